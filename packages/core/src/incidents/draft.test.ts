import { describe, expect, it } from 'vitest';
import { postmortemMarkdown, sectionsFromMarkdown } from './draft.js';
import type { Incident } from './model.js';
import { emptySections, type Postmortem } from './postmortem.js';

const incident = { id: 'INC-7', title: 'Checkout errors', severity: 'SEV2' } as Incident;

describe('sectionsFromMarkdown', () => {
  it('reads back what postmortemMarkdown wrote, without the generated action item table', () => {
    const sections = {
      ...emptySections(),
      summary: 'Checkout failed.\n\n### Detail\nMore.',
      rootCauses: 'A small pool.',
      actionItems: 'See the tracker.',
    };
    const pm: Postmortem = {
      incidentId: 'INC-7',
      status: 'draft',
      sections,
      authors: ['alice'],
      createdAt: 0,
      updatedAt: 0,
      publishedAt: null,
    };
    const md = postmortemMarkdown(pm, incident, [
      {
        id: 'AI-1',
        incidentId: 'INC-7',
        service: null,
        title: 'Size the pool',
        owner: 'alice',
        priority: 'P0',
        dueDate: null,
        status: 'open',
        ticketUrl: null,
      },
    ]);
    expect(sectionsFromMarkdown(md)).toEqual(sections);
  });

  it('returns only the sections a partial file names, matching titles in any case', () => {
    expect(sectionsFromMarkdown('# x\n\n## root causes and contributing factors\n\nDNS.\n')).toEqual({
      rootCauses: 'DNS.',
    });
  });
});
