// Scaffold only: replaced by the page's real implementation before this lands.
export function Schedule() {
  return <h1 tabIndex={-1}>Schedule</h1>;
}
