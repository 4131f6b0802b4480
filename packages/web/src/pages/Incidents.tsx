// Scaffold only: replaced by the page's real implementation before this lands.
export function Incidents() {
  return <h1 tabIndex={-1}>Incidents</h1>;
}
