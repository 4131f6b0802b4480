// Scaffold only: replaced by the page's real implementation before this lands.
export function Slo() {
  return <h1 tabIndex={-1}>Slo</h1>;
}
