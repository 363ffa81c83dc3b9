/** What an operator may decide on a batch in this status: approve, cancel, both or neither. */
export function batchDecisions(status: string): ('approve' | 'cancel')[];
