// Scaffold only: replaced by the page's real implementation before this lands.
export function Notifications() {
  return <h1 tabIndex={-1}>Notifications</h1>;
}
