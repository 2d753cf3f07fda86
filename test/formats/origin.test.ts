import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guessOrigin } from '../../src/render/rule-metadata.js';
import { REPO_ROOT } from '../support/paths.js';
import { parseRules, PSEXEC_PATH, PSEXEC_TEXT } from './support.js';

const at = (file: string, license = ''): ReturnType<typeof guessOrigin> => guessOrigin(parseRules(license + PSEXEC_TEXT, file)[0]!);

describe('origin=auto (guessOrigin)', () => {
  it('a folder named rules (or deprecated, unsupported) alone is not SigmaHQ', () => {
    expect(at('rules/x.yml')).toBe('other');
    expect(at('/home/me/company/rules/x.yml')).toBe('other');
    expect(at('/srv/detections/rules/custom/x.yml')).toBe('other');
    expect(at('deprecated/x.yml')).toBe('other');
    expect(at('unsupported/mine/x.yml')).toBe('other');
    expect(at(PSEXEC_PATH)).toBe('other');
  });

  it('the SigmaHQ layout (top folder, then a SigmaHQ second-level folder) is SigmaHQ', () => {
    expect(at('rules/windows/process_creation/x.yml')).toBe('sigmahq');
    expect(at('/home/me/sigma/rules-threat-hunting/linux/x.yml')).toBe('sigmahq');
    expect(at('C:\\sigma\\rules\\cloud\\aws\\x.yml')).toBe('sigmahq');
    expect(at('rules-emerging-threats/2024/Exploits/x.yml')).toBe('sigmahq');
    expect(at('deprecated/windows/x.yml')).toBe('sigmahq');
    expect(at('rules-compliance/other/x.yml')).toBe('sigmahq');
  });

  it('a rule that states its license is never guessed SigmaHQ', () => {
    expect(at('rules/windows/x.yml', 'license: MIT\n')).toBe('other');
  });

  const corpus = join(REPO_ROOT, '../shared/sigma');
  it.skipIf(!existsSync(corpus))('every top folder of the shared SigmaHQ corpus counts as SigmaHQ', () => {
    for (const p of ['rules/web/proxy_generic/x.yml', 'rules-placeholder/identity/x.yml', 'unsupported/zeek/x.yml', 'rules/application/x.yml', 'rules/category/x.yml']) {
      expect(at(join(corpus, p)), p).toBe('sigmahq');
    }
  });
});
