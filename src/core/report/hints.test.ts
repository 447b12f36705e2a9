import { describe, expect, it } from 'vitest';
import { CAUSES, type CauseId } from '../diagnosis/causes.js';
import { finding, type InputKind } from '../diagnosis/finding.js';
import { FILE_ROLES, ROLE_LABELS } from '../io/roles.js';
import { INPUT_HINTS, pageNeeds } from './hints.js';

describe('hints for the page', () => {
  it('every cause not measured names, on the page, files and roles the page offers, and no CLI flag', () => {
    for (const cause of Object.keys(CAUSES) as CauseId[]) {
      const f = finding(cause, 'not measured', [], 'something (--flag FILE)');
      const text = pageNeeds(f)!;
      expect(text, cause).not.toMatch(/--\w/);
      for (const k of f.needsInputs)
        for (const role of INPUT_HINTS[k].roles) {
          expect(FILE_ROLES, `${cause}: ${role}`).toContain(role);
          expect(text, cause).toContain(`“${ROLE_LABELS[role]}”`);
        }
    }
  });

  it('a need no file can meet keeps its sentence; no need, no hint', () => {
    const nyquist = finding('particle-limited', 'not measured', [], {
      text: 're-extract with less binning',
      inputs: [],
    });
    expect(pageNeeds(nyquist)).toBe('re-extract with less binning');
    expect(pageNeeds(finding('5-ctf', 'ruled out', []))).toBeNull();
    const kinds: InputKind[] = ['classes'];
    expect(finding('1a-compositional', 'not measured', [], 'x').needsInputs).toEqual(kinds);
  });
});
