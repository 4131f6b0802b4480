// Scaffold only: replaced by the page's real implementation before this lands.
export function EscalationPolicy() {
  return <h1 tabIndex={-1}>EscalationPolicy</h1>;
}
