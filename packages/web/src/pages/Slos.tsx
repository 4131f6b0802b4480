// Scaffold only: replaced by the page's real implementation before this lands.
export function Slos() {
  return <h1 tabIndex={-1}>Slos</h1>;
}
