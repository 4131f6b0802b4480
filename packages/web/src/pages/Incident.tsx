// Scaffold only: replaced by the page's real implementation before this lands.
export function Incident() {
  return <h1 tabIndex={-1}>Incident</h1>;
}
