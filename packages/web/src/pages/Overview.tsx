// Scaffold only: replaced by the page's real implementation before this lands.
export function Overview() {
  return <h1 tabIndex={-1}>Overview</h1>;
}
