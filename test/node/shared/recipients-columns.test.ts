import { describe, expect, it } from 'vitest';
import {
  detectPhoneColumn,
  findColumn,
  mergeFieldKeys,
  mergeKeysFor,
  toMergeKey,
} from '../../../shared/recipients/columns';
import {
  describeUnknownField,
  extractMergeFields,
  renderMessage,
  unknownMergeFields,
} from '../../../shared/recipients/merge';

describe('merge keys', () => {
  it.each([
    ['First Name', 'first-name'],
    ['first_name', 'first-name'],
    ['firstName', 'first-name'],
    ['  E-mail Address ', 'e-mail-address'],
    ['ZIP/Postal Code', 'zip-postal-code'],
    ['Prénom', 'prénom'],
    ['Balance ($)', 'balance'],
    ['Address2', 'address2'],
    ['ACCOUNT', 'account'],
  ])('%s → %s', (header, key) => {
    expect(toMergeKey(header)).toBe(key);
  });

  it('keeps keys unique and never empty', () => {
    expect(mergeKeysFor(['Name', 'name', '', 'NAME', '***'])).toEqual([
      'name',
      'name-2',
      'column-3',
      'name-3',
      'column-5',
    ]);
  });

  it('offers every column but the phone column as a merge field', () => {
    expect(mergeFieldKeys({ keys: ['phone', 'first-name', 'city'], phoneIndex: 0 })).toEqual([
      'first-name',
      'city',
    ]);
  });
});

describe('phone column detection', () => {
  it.each([
    [['Name', 'Phone'], 1],
    [['Phone Number', 'Name'], 0],
    [['Name', 'Mobile'], 1],
    [['Cell #', 'Name'], 0],
    [['id', 'Telephone', 'Notes'], 1],
    [['Name', 'Home Phone', 'Mobile Phone'], 2],
    [['Fax', 'Phone'], 1],
    [['Account Number', 'Number'], 1],
    [['Phone Type', 'Phone'], 1],
    [['Name', 'Email'], -1],
    [[], -1],
  ] as Array<[string[], number]>)('%j → %i', (headers, index) => {
    expect(detectPhoneColumn(headers)).toBe(index);
  });

  it('finds a chosen column by header, spacing and case, or merge key', () => {
    const headers = ['First Name', 'Cell Phone', 'Other'];
    expect(findColumn(headers, 'Cell Phone')).toBe(1);
    expect(findColumn(headers, 'cellphone')).toBe(1);
    expect(findColumn(headers, 'cell-phone')).toBe(1);
    expect(findColumn(headers, 'Missing')).toBe(-1);
  });
});

describe('merge fields', () => {
  it('extracts distinct fields in order, allowing spaces inside the braces', () => {
    expect(
      extractMergeFields('Hi {{first-name}}, {{ city }} and {{first-name}} again, {{}}'),
    ).toEqual(['first-name', 'city', '']);
    expect(extractMergeFields('No fields { here } {{ unclosed')).toEqual([]);
  });

  it('renders values and leaves a gap for missing ones', () => {
    expect(
      renderMessage('Hi {{first-name}} from {{ city }}!{{x}}', {
        'first-name': 'Ann',
        city: 'Salem',
      }),
    ).toBe('Hi Ann from Salem!');
    expect(renderMessage('Price: {{p}}', { p: '$1 & $2' })).toBe('Price: $1 & $2');
  });

  it('reports fields that are not columns, suggesting the kebab-case key', () => {
    const unknown = unknownMergeFields(
      ['first-name', 'First Name', 'nope'],
      ['first-name', 'city'],
    );
    expect(unknown).toEqual([{ field: 'First Name', suggestion: 'first-name' }, { field: 'nope' }]);
    expect(describeUnknownField(unknown[0]!)).toContain('Did you mean {{first-name}}?');
    expect(describeUnknownField(unknown[1]!)).toContain('{{nope}}');
  });

  it('suggests the column a typo is one slip away from, and guesses nothing between two', () => {
    const keys = ['parent-first', 'parent-last', 'city', 'phone'];
    expect(
      unknownMergeFields(['parent-frist', 'Parent Firts', 'parent-firstt', 'cty'], keys),
    ).toEqual([
      { field: 'parent-frist', suggestion: 'parent-first' },
      { field: 'Parent Firts', suggestion: 'parent-first' },
      { field: 'parent-firstt', suggestion: 'parent-first' },
      { field: 'cty', suggestion: 'city' },
    ]);
    // Too far from any column, or as near to two: no guess.
    expect(unknownMergeFields(['parent-name', 'zip', 'x'], keys)).toEqual([
      { field: 'parent-name' },
      { field: 'zip' },
      { field: 'x' },
    ]);
    expect(unknownMergeFields(['cat'], ['cap', 'car'])).toEqual([{ field: 'cat' }]);
  });
});
