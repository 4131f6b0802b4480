// Scaffold only: replaced by the page's real implementation before this lands.
export function Services() {
  return <h1 tabIndex={-1}>Services</h1>;
}
