// What a job's script keeps of how the job is going, where its steps run as GitHub runs them: the exit status of the
// first step to fail, and the job's result as GitHub's `job.status` names it, which the status functions and
// `${{ job.status }}` read.

/** The shell variable that holds the exit status of the first step to fail (0 while none has). */
export const JOB_STATUS = 'job_status';

/** The shell variable that holds how the job is going: success, failure or cancelled. */
export const JOB_RESULT = 'job_result';

/** The test of a job result (`success`, `failure`, `cancelled`). */
export const jobResultTest = (result: string): string => `[ "$${JOB_RESULT}" = ${result} ]`;

/** Whether a chain of names is `job.status`, in any case. */
export const isJobStatus = (chain: readonly string[] | undefined): boolean =>
  chain?.length === 2 && chain[0].toLowerCase() === 'job' && chain[1].toLowerCase() === 'status';
