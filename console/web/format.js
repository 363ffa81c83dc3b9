// @ts-check
// How the page writes money, counts and times: shared by the views and the modules that are tested
// without a browser, so a test reads the figures exactly as an operator does.

/** An amount in shillings, grouped as Kenya writes it: `1,234.5 KES`. */
export const kes = (amount) => `${Number(amount).toLocaleString('en-KE')} KES`;

/** A count, grouped as amounts are. */
export const count = (n) => Number(n).toLocaleString('en-KE');

/** An instant in Kenya time (the header says times are Kenya time); empty when there is none. */
export const time = (iso) =>
  iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'Africa/Nairobi' }) : '';
