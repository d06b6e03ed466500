/** One line of the `npm run bench` table. */
export interface BenchRow {
  name: string;
  /** The measured figure, already formatted (e.g. "1.02", "4.1 %", "12 ms"). */
  value: string;
  /** The target as text (e.g. "≤ 1.05"), or "" when there is none. */
  target: string;
  /** Whether the target was met; undefined when there is no target. */
  ok?: boolean;
  /** How it was measured, one short phrase. */
  detail?: string;
}
