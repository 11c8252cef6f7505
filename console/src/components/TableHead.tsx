/**
 * A table's header row from a list of column names; numeric columns align right, and a column
 * named with a leading "~" is announced to screen readers only.
 *
 * @example <TableHead columns={["When", "Event", "Score"]} numeric={["Score"]} />
 */
export function TableHead({ columns, numeric = [] }: { columns: string[]; numeric?: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((name) =>
          name.startsWith("~") ? (
            <th key={name} scope="col">
              <span class="sr-only">{name.slice(1)}</span>
            </th>
          ) : (
            <th key={name} scope="col" class={numeric.includes(name) ? "num" : undefined}>
              {name}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
