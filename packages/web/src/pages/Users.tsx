// Scaffold only: replaced by the page's real implementation before this lands.
export function Users() {
  return <h1 tabIndex={-1}>Users</h1>;
}
