import {
  continueTrace,
  currentTrace,
  formatTraceparent,
  parseTraceparent,
  runInTrace,
} from './tracing';

describe('W3C trace context', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentId = '00f067aa0ba902b7';

  it('continues a valid traceparent with a span of its own', () => {
    const trace = continueTrace(`00-${traceId}-${parentId}-01`);
    expect(trace).toMatchObject({ traceId, parentSpanId: parentId, sampled: true });
    expect(trace.spanId).toMatch(/^[\da-f]{16}$/);
    expect(trace.spanId).not.toBe(parentId);
    expect(formatTraceparent(trace)).toBe(`00-${traceId}-${trace.spanId}-01`);
  });

  it.each([
    undefined,
    '',
    'garbage',
    `00-${'0'.repeat(32)}-${parentId}-01`,
    `00-${traceId}-${'0'.repeat(16)}-01`,
    `ff-${traceId}-${parentId}-01`,
    `00-${traceId}-${parentId}-01-extra`,
  ])('starts a new trace instead of trusting %p', (header) => {
    const trace = continueTrace(header);
    expect(trace.traceId).toMatch(/^[\da-f]{32}$/);
    expect(trace.traceId).not.toBe(traceId);
    expect(trace.parentSpanId).toBeUndefined();
  });

  it('gives every span an id of its own, across many', () => {
    const spanIds = Array.from({ length: 2_000 }, () => continueTrace(undefined).spanId);
    expect(new Set(spanIds).size).toBe(spanIds.length);
    for (const spanId of spanIds) expect(spanId).toMatch(/^[\da-f]{16}$/);
  });

  it('accepts a future version with more fields, and upper case', () => {
    expect(parseTraceparent(`01-${traceId}-${parentId}-00-more`)).toEqual({
      traceId,
      parentSpanId: parentId,
      sampled: false,
    });
    expect(parseTraceparent(`00-${traceId.toUpperCase()}-${parentId}-01`)?.traceId).toBe(traceId);
  });

  it('makes the trace current for the work run in it, across awaits', async () => {
    const trace = continueTrace(undefined);
    expect(currentTrace()).toBeUndefined();
    await runInTrace(trace, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentTrace()).toBe(trace);
    });
  });
});
