// Scaffold only: replaced by the page's real implementation before this lands.
export function OnCall() {
  return <h1 tabIndex={-1}>OnCall</h1>;
}
