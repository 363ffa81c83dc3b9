import { describe, expect, it } from 'vitest';
import { batchProgress } from '../../../console/web/progress.js';

const counts = (partial: Record<string, number>) => ({
  PENDING: 0,
  PROCESSING: 0,
  SUCCEEDED: 0,
  FAILED: 0,
  REJECTED: 0,
  CANCELLED: 0,
  ...partial,
});

describe('batchProgress (the console progress bar)', () => {
  it('counts succeeded, failed, rejected and cancelled items as final, and rounds down', () => {
    // Prepare
    const sending = {
      status: 'SENDING',
      itemCount: 7,
      progress: { counts: counts({ PENDING: 1, PROCESSING: 2, SUCCEEDED: 2, FAILED: 1, REJECTED: 1 }) },
    };
    // Act
    const progress = batchProgress(sending);
    // Assess: 4 of 7 is 57.14 %.
    expect(progress).toEqual({ final: 4, percent: 57 });
  });

  it('is 100 % for a completed batch, with or without failures, whatever its last count said', () => {
    expect(
      batchProgress({ status: 'COMPLETED', itemCount: 5, progress: { counts: counts({ PROCESSING: 5 }) } }),
    ).toEqual({ final: 5, percent: 100 });
    expect(batchProgress({ status: 'COMPLETED_WITH_FAILURES', itemCount: 3 })).toEqual({
      final: 3,
      percent: 100,
    });
  });

  it('is 0 % before the first count', () => {
    expect(batchProgress({ status: 'AWAITING_APPROVAL', itemCount: 5 })).toEqual({ final: 0, percent: 0 });
    expect(batchProgress({ status: 'RECORDING', itemCount: 0 })).toEqual({ final: 0, percent: 0 });
  });
});
