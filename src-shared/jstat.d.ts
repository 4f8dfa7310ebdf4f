/** The part of jstat (1.9, no types of its own) the lab uses: Student's t quantiles. */
declare module 'jstat' {
  interface JStat {
    studentt: {
      /** The p-quantile of Student's t with `dof` degrees of freedom. */
      inv(p: number, dof: number): number
      cdf(x: number, dof: number): number
    }
  }
  const jStat: JStat
  export default jStat
}
