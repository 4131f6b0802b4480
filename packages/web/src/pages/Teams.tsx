// Scaffold only: replaced by the page's real implementation before this lands.
export function Teams() {
  return <h1 tabIndex={-1}>Teams</h1>;
}
