// Scaffold only: replaced by the page's real implementation before this lands.
export function Tokens() {
  return <h1 tabIndex={-1}>Tokens</h1>;
}
