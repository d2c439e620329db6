import { aiSettingsFromEnv, geminiModel } from './ai.config';

describe('AI_MODEL', () => {
  it('takes a Gemini model name as it is, and the template notation without its prefix', () => {
    expect(geminiModel('gemini-2.5-flash-lite')).toBe('gemini-2.5-flash-lite');
    expect(geminiModel('google-gla:gemini-2.5-flash-lite')).toBe('gemini-2.5-flash-lite');
    expect(geminiModel('google-vertex:gemini-2.0-flash')).toBe('gemini-2.0-flash');
    expect(aiSettingsFromEnv({ AI_MODEL: 'google-gla:gemini-2.5-flash-lite' }).model).toBe(
      'gemini-2.5-flash-lite',
    );
  });

  it("refuses another provider's model, naming AI_MODEL", () => {
    expect(() => geminiModel('openai:gpt-4o')).toThrow(
      /^Invalid setting AI_MODEL: "openai:gpt-4o"/,
    );
  });
});
