import { WALL_CAP_FACTOR, checkBudget, cleaningBudget } from './cleaning-budget';

describe('checkBudget', () => {
  const budget = cleaningBudget(2_000);

  it('derives the wall-clock cap from the budget', () => {
    expect(budget).toEqual({ budgetMs: 2_000, wallCapMs: 2_000 * WALL_CAP_FACTOR });
  });

  it('counts CPU time: a page waiting for a core is not over budget, however long the wait below the cap', () => {
    expect(checkBudget(budget, { wallMs: 15_000, cpuMs: 90 })).toEqual({
      over: false,
      spare: false,
      recheckInMs: 910,
    });
  });

  it('is over once the thread spent the budget in CPU time', () => {
    expect(checkBudget(budget, { wallMs: 2_050, cpuMs: 2_000 })).toEqual({
      over: true,
      limit: 'cpu',
      limitMs: 2_000,
    });
  });

  it('ends a starved or blocked worker at the wall-clock cap', () => {
    expect(checkBudget(budget, { wallMs: 20_000, cpuMs: 10 })).toEqual({
      over: true,
      limit: 'wall',
      limitMs: 20_000,
    });
  });

  it('asks for a spare worker once half the CPU budget is spent', () => {
    expect(checkBudget(budget, { wallMs: 1_500, cpuMs: 1_200 })).toEqual({
      over: false,
      spare: true,
      recheckInMs: 800,
    });
  });

  it('looks again when the CPU time could first reach its next mark, or the wall clock its cap', () => {
    expect(checkBudget(budget, { wallMs: 0, cpuMs: 0 })).toMatchObject({ recheckInMs: 1_000 });
    expect(checkBudget(budget, { wallMs: 19_800, cpuMs: 100 })).toMatchObject({ recheckInMs: 200 });
    expect(checkBudget(budget, { wallMs: 1_000, cpuMs: 1_999.5 })).toMatchObject({
      recheckInMs: 5,
    });
  });

  it('falls back to the budget in wall-clock time without a CPU clock', () => {
    expect(checkBudget(budget, { wallMs: 0, cpuMs: null })).toEqual({
      over: false,
      spare: false,
      recheckInMs: 1_000,
    });
    expect(checkBudget(budget, { wallMs: 1_000, cpuMs: null })).toEqual({
      over: false,
      spare: true,
      recheckInMs: 1_000,
    });
    expect(checkBudget(budget, { wallMs: 2_000, cpuMs: null })).toEqual({
      over: true,
      limit: 'wall',
      limitMs: 2_000,
    });
  });
});
