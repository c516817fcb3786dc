/** The token a field of the letter is written as in the .docx template. */
export const FIELD_TOKEN = (name: string) => `{{${name}}}`;

/** Fields whose whole paragraph is repeated once per value: none when absent, one per paragraph. */
export const REPEATED = ['paragraphs', 'parentAgency'] as const;
