import { parseMetrics, select, stateSets, valueOf } from './prometheus-text';

describe('the test helpers for the Prometheus text format', () => {
  const text = [
    '# HELP s A StateSet.',
    's{component="a",state="healthy"} 1',
    's{component="a",state="degraded"} 0',
    's{component="a",state="unhealthy"} 0',
    'plain 2.5',
    'escaped{v="say \\"hi\\"\\nnow\\\\"} 1',
    '',
  ].join('\n');

  it('parses samples, labels and escapes', () => {
    const samples = parseMetrics(text);
    expect(valueOf(samples, 'plain')).toBe(2.5);
    expect(valueOf(samples, 'missing')).toBeUndefined();
    expect(samples.find((s) => s.name === 'escaped')?.labels.v).toBe('say "hi"\nnow\\');
    expect(stateSets(samples, 's')).toEqual({ a: 'healthy' });
  });

  it('selects the samples of one name whose labels include the given ones', () => {
    const samples = parseMetrics(text);
    expect(select(samples, 's').map((s) => s.labels.state)).toEqual([
      'healthy',
      'degraded',
      'unhealthy',
    ]);
    expect(select(samples, 's', { state: 'degraded' })).toEqual([
      { name: 's', labels: { component: 'a', state: 'degraded' }, value: 0 },
    ]);
    expect(select(samples, 's', { component: 'b' })).toEqual([]);
    expect(select(samples, 'plain')).toEqual([{ name: 'plain', labels: {}, value: 2.5 }]);
  });

  it('refuses what is not a sample, ambiguous lookups and broken StateSets', () => {
    expect(() => parseMetrics('not a sample')).toThrow('Not a sample');
    const samples = parseMetrics(text);
    expect(() => valueOf(samples, 's')).toThrow('3 samples match s');
    const twoOn = text.replace('state="degraded"} 0', 'state="degraded"} 1');
    expect(() => stateSets(parseMetrics(twoOn), 's')).toThrow('StateSet s{a} broken');
    const missing = text.replace('s{component="a",state="unhealthy"} 0\n', '');
    expect(() => stateSets(parseMetrics(missing), 's')).toThrow('broken');
    const half = text.replace('state="degraded"} 0', 'state="degraded"} 0.5');
    expect(() => stateSets(parseMetrics(half), 's')).toThrow('broken');
  });
});
