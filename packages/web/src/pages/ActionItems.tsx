// Scaffold only: replaced by the page's real implementation before this lands.
export function ActionItems() {
  return <h1 tabIndex={-1}>ActionItems</h1>;
}
