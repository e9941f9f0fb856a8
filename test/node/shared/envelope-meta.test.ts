import { describe, expect, it } from 'vitest';
import {
  campaignMetaFields,
  envelopeMeta,
  mergedMessage,
  mergedValue,
  metaFields,
  unknownSendColumns,
} from '../../../shared/recipients/envelope-meta';
import {
  EMPTY_MERGE_SETTINGS,
  type MergeSettings,
} from '../../../shared/recipients/merge-settings';

const columns = {
  keys: ['phone', 'first-name', 'date-of-birth', 'appt-date', 'branch'],
  phoneIndex: 0,
};
const cells = ['+12025550100', 'Ann', '1961-02-03', '3/5/2027', 'North'];
const settings = (over: Partial<MergeSettings> = {}): MergeSettings => ({
  ...EMPTY_MERGE_SETTINGS,
  ...over,
});

describe('envelope meta: what a recipient sends to Omnigage', () => {
  it('carries only the fields the messages use, in order of first use', () => {
    const fields = metaFields(
      ['Hi {{first-name}}, see you {{ appt-date }}.', 'Hi {{first-name}}'],
      settings(),
      columns,
    );
    expect(envelopeMeta(fields, cells)).toEqual({ 'first-name': 'Ann', 'appt-date': '3/5/2027' });
    expect(fields.map((f) => [f.key, f.used])).toEqual([
      ['first-name', true],
      ['appt-date', true],
    ]);
  });

  it('adds the columns the person chose (by key or header as written), never the phone or unknown names', () => {
    const fields = metaFields(
      ['Hi {{first-name}}'],
      settings({ sendColumns: ['Branch', 'phone', 'nope', 'first-name'] }),
      columns,
    );
    expect(envelopeMeta(fields, cells)).toEqual({ 'first-name': 'Ann', branch: 'North' });
    expect(fields.find((f) => f.key === 'branch')?.used).toBe(false);
    expect(unknownSendColumns(settings({ sendColumns: ['Branch', 'nope'] }), columns)).toEqual([
      'nope',
    ]);
  });

  it('ignores fields no column has and the phone column even when a message names them', () => {
    const fields = metaFields(['{{phone}} {{missing}} {{branch}}'], settings(), columns);
    expect(envelopeMeta(fields, cells)).toEqual({ branch: 'North' });
  });

  it('sends the spoken form of a column read as a kind, and the fallback for an empty value', () => {
    const s = settings({ readAs: { 'appt-date': 'date' }, fallbacks: { 'first-name': ' there ' } });
    const fields = metaFields(['Hi {{first-name}}, on {{appt-date}}'], s, columns);
    expect(envelopeMeta(fields, cells)).toEqual({
      'first-name': 'Ann',
      'appt-date': 'Friday, March 5',
    });
    expect(envelopeMeta(fields, ['+1', '  ', '', '', ''])).toEqual({
      'first-name': 'there',
      'appt-date': '',
    });
    expect(
      mergedMessage('Hi {{first-name}}, on {{appt-date}}', fields, ['+1', '', '', '13/5/2027', '']),
    ).toBe('Hi there, on 13/5/2027');
  });

  it('reports a fallback and an unreadable value for the check', () => {
    expect(mergedValue({ readAs: 'date', fallback: 'soon' }, '')).toEqual({
      text: 'soon',
      fallback: true,
      unreadable: false,
    });
    expect(mergedValue({ readAs: 'date', fallback: '' }, 'next week')).toEqual({
      text: 'next week',
      fallback: false,
      unreadable: true,
    });
    expect(mergedValue({ readAs: 'digits', fallback: '' }, '12-34')).toEqual({
      text: '1 2 3 4',
      fallback: false,
      unreadable: false,
    });
  });

  it('takes the texts from a campaign (audio messages have none) and tolerates a campaign without settings', () => {
    const fields = campaignMetaFields(
      {
        human: { kind: 'audio', file: 'x.wav' },
        machine: { kind: 'text', body: '{{branch}}', voice: 'Polly-Joanna' },
      },
      columns,
    );
    expect(envelopeMeta(fields, cells)).toEqual({ branch: 'North' });
  });
});
