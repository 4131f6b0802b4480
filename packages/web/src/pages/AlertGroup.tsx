// Scaffold only: replaced by the page's real implementation before this lands.
export function AlertGroup() {
  return <h1 tabIndex={-1}>AlertGroup</h1>;
}
