import { ConfigError, loadConfig } from '../../config';
import { checkConfigWords } from '../../src/bootstrap';
import { describeFieldProblem, unnamedCodes } from '../../src/i18n';

/** What config names, the dictionaries have words for: a user never reads a raw code (R10's materials). */
describe('words for what config names', () => {
  it('every required transfer material of the default config has its name in zh-CN and en', () => {
    const config = loadConfig({}, { env: 'test' });
    expect(unnamedCodes('material.', config.transfers.requiredMaterials)).toEqual([]);
    expect(() => checkConfigWords(config)).not.toThrow();
  });

  it('a required material without words is refused at start, naming the key and the code', () => {
    const config = loadConfig(
      {},
      { env: 'test', transfers: { requiredMaterials: ['transfer_letter', 'site_sketch'] } },
    );
    expect(() => checkConfigWords(config)).toThrow(ConfigError);
    expect(() => checkConfigWords(config)).toThrow(/transfers\.requiredMaterials: no words for site_sketch/);
  });

  it('a problem naming a material says its name in the user’s language', () => {
    expect(describeFieldProblem('zh-CN', 'material_missing', { material: 'inquiry_record' })).toBe(
      '缺少必备材料（询问笔录），不能提出移送',
    );
    expect(describeFieldProblem('en', 'material_missing', { material: 'inquiry_record' })).toBe(
      'Required material missing (Inquiry record): the transfer cannot be proposed',
    );
  });
});
