import { describe, expect, it } from 'vitest';
import { spokenValue, suggestReadAs, type ReadAs } from '../../../shared/recipients/read-as';

const say = (kind: ReadAs, value: string) => spokenValue(kind, value);

describe('read as: the words sent for a value', () => {
  it('as written: the value untouched, spaces and all', () => {
    expect(say('as-written', ' 3/5/2027 ')).toEqual({ text: ' 3/5/2027 ', ok: true });
  });

  it('date: weekday, month and day from the forms a spreadsheet shows', () => {
    for (const value of [
      '3/5/2027',
      '03/05/27',
      '2027-03-05',
      '2027-03-05T14:30:00',
      '3/5/2027 2:30 PM',
      'Mar 5, 2027',
      'March 5th 2027',
      'Friday, March 5, 2027',
      '5 March 2027',
      '05-Mar-27',
      '3-5-2027',
    ]) {
      expect(say('date', value), value).toEqual({ text: 'Friday, March 5', ok: true });
    }
    expect(say('date', '3/5').text).toBe('March 5');
    expect(say('date', 'Dec 25').text).toBe('December 25');
    expect(say('date', '2/29/2028').text).toBe('Tuesday, February 29');
  });

  it('date: never guesses; day-first, impossible and wordy values go as written, flagged', () => {
    for (const value of ['13/5/2027', '2/29/2027', 'next week', '3.5', '46451', 'March']) {
      expect(say('date', value), value).toEqual({ text: value, ok: false });
    }
  });

  it('time: hour and minute with AM/PM, on the hour without minutes', () => {
    const cases: Array<[string, string]> = [
      ['14:30', '2:30 PM'],
      ['2:30 pm', '2:30 PM'],
      ['2:30:00 PM', '2:30 PM'],
      ['09:05', '9:05 AM'],
      ['0:00', '12 AM'],
      ['12:00', '12 PM'],
      ['9 a.m.', '9 AM'],
      ['3/5/2027 14:30', '2:30 PM'],
      ['2027-03-05T08:15:00Z', '8:15 AM'],
    ];
    for (const [value, text] of cases)
      expect(say('time', value), value).toEqual({ text, ok: true });
    for (const value of ['25:00', '13 PM', 'noon', '0.604166'])
      expect(say('time', value).ok, value).toBe(false);
  });

  it('money: dollars and cents written out, other currencies by their names', () => {
    const cases: Array<[string, string]> = [
      ['$1,234.50', '1,234 dollars and 50 cents'],
      ['$1,234.00', '1,234 dollars'],
      ['$0.99', '99 cents'],
      ['$1.01', '1 dollar and 1 cent'],
      ['1234.5', '1,234 dollars and 50 cents'],
      ['($20.00)', 'minus 20 dollars'],
      ['-$5', 'minus 5 dollars'],
      ['$-5.10', 'minus 5 dollars and 10 cents'],
      ['€12.30', '12 euros and 30 cents'],
      ['£1.01', '1 pound and 1 penny'],
      ['USD 7', '7 dollars'],
      ['$0.00', '0 dollars'],
      ['99.989999', '99 dollars and 99 cents'],
    ];
    for (const [value, text] of cases)
      expect(say('money', value), value).toEqual({ text, ok: true });
    for (const value of ['free', '$1,23.00', '$5 €', 'XYZ 5'])
      expect(say('money', value).ok, value).toBe(false);
  });

  it('number: grouped digits, decimals kept, percent and minus in words', () => {
    const cases: Array<[string, string]> = [
      ['1234.50', '1,234.5'],
      ['1,234,567', '1,234,567'],
      ['12.5%', '12.5 percent'],
      ['12.5 %', '12.5 percent'],
      ['-3', 'minus 3'],
      ['(4)', 'minus 4'],
      ['007', '7'],
      ['.5', '0.5'],
    ];
    for (const [value, text] of cases)
      expect(say('number', value), value).toEqual({ text, ok: true });
    expect(say('number', 'about 5').ok).toBe(false);
  });

  it('digits: one character at a time, separators dropped', () => {
    expect(say('digits', '1234')).toEqual({ text: '1 2 3 4', ok: true });
    expect(say('digits', 'ab-12 34')).toEqual({ text: 'A B 1 2 3 4', ok: true });
    expect(say('digits', '0042').text).toBe('0 0 4 2');
    expect(say('digits', '--').ok).toBe(false);
  });

  it('an empty value stays empty for every kind (a fallback may stand in)', () => {
    for (const kind of ['date', 'time', 'money', 'number', 'digits'] as const)
      expect(say(kind, '  ')).toEqual({ text: '', ok: true });
  });
});

describe('read as: the suggestion from a column', () => {
  it('suggests from the values, and from the header where values alone are ambiguous', () => {
    expect(suggestReadAs('appt-date', ['3/5/2027', '3/8/2027', '', '4/1/2027'])).toBe('date');
    expect(suggestReadAs('when', ['Friday, March 5, 2027'])).toBe('date');
    expect(suggestReadAs('date-of-birth', ['1961-02-03', '1975-11-30'])).toBe('date');
    expect(suggestReadAs('appt-time', ['2:30 PM', '14:00', '9:15 AM'])).toBe('time');
    expect(suggestReadAs('fee', ['$1,234.50', '$20.00'])).toBe('money');
    expect(suggestReadAs('balance', ['1234.5', '99.99'])).toBe('money');
    expect(suggestReadAs('pin', ['1234', '9876'])).toBe('digits');
    expect(suggestReadAs('ref', ['0012345', '0098765'])).toBe('digits');
    expect(suggestReadAs('rate', ['12.5%', '3%'])).toBe('number');
    expect(suggestReadAs('visits', ['3', '12'])).toBe('as-written');
    expect(suggestReadAs('first-name', ['Ann', 'Bo'])).toBe('as-written');
    expect(suggestReadAs('anything', ['', ' '])).toBe('as-written');
  });
});
