/** A chart tooltip in the app's style: a title and a two-column table of name → value. */
export function TooltipBox({ title, rows }: { title: string; rows: [string, string][] }) {
  return (
    <div className="chartTooltip">
      <div className="chartTooltipTitle">{title}</div>
      <table className="tooltipRows">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
