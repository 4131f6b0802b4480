// Scaffold only: replaced by the page's real implementation before this lands.
export function Alerts() {
  return <h1 tabIndex={-1}>Alerts</h1>;
}
