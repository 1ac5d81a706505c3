/**
 * Why a rule refused a step. `code` is stable (the API and the dictionaries
 * key on it), `rule` cites the practice (R6 …), `field` names the input.
 */
export interface Problem {
  code: string;
  rule?: string;
  field?: string;
  params?: Record<string, string | number>;
}

export const problem = (code: string, field?: string, rule?: string, params?: Problem['params']): Problem => ({
  code,
  ...(field ? { field } : {}),
  ...(rule ? { rule } : {}),
  ...(params ? { params } : {}),
});
