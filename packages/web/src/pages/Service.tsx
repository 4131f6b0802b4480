// Scaffold only: replaced by the page's real implementation before this lands.
export function Service() {
  return <h1 tabIndex={-1}>Service</h1>;
}
