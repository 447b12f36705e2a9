/** One refinement for the Rosenthal–Henderson budget: its particle count and resolution. */
export interface BudgetPoint {
  particles: number;
  resolutionA: number;
  source?: string;
}
