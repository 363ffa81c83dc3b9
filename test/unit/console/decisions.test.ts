import { describe, expect, it } from 'vitest';
import { batchDecisions } from '../../../console/web/decisions.js';

describe('batchDecisions (the Batches view’s Approve and Cancel buttons)', () => {
  it('offers Cancel in every status the API lets an operator cancel, RECEIVED included', () => {
    // Prepare
    const statuses = ['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS'];
    // Act
    const offered = statuses.map((status) => [status, batchDecisions(status)]);
    // Assess
    expect(offered).toEqual([
      ['RECEIVED', ['cancel']],
      ['AWAITING_APPROVAL', ['approve', 'cancel']],
      ['AWAITING_FUNDS', ['cancel']],
    ]);
  });

  it('offers nothing once the batch is being recorded, sent or is over', () => {
    // Prepare
    const statuses = [
      'RECORDING',
      'SENDING',
      'COMPLETED',
      'COMPLETED_WITH_FAILURES',
      'REJECTED',
      'CANCELLED',
    ];
    // Act
    const offered = statuses.flatMap((status) => batchDecisions(status));
    // Assess
    expect(offered).toEqual([]);
  });
});
