// Scaffold only: replaced by the page's real implementation before this lands.
export function Postmortem() {
  return <h1 tabIndex={-1}>Postmortem</h1>;
}
