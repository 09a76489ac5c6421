/** What the contacts domain tells people, in one place (ready for translation). */
export const messages = {
  notFound: 'That contact does not exist. It may have been deleted.',
  csvUnnamedColumn: (n: number) =>
    `Column ${n} of the header row has no name. Name every column, e.g. email,name,plan.`,
  csvNotUtf8: (offset: number) =>
    `The file is not valid UTF-8 after byte ${offset.toLocaleString('en')}. Save it as "CSV UTF-8" and import it again (importing again updates contacts, it never duplicates them).`,
  csvLatin1:
    'The file was not UTF-8, so it was read as Windows-1252 (Latin-1, as Excel saves it on Western European Windows). Check that accents look right below; to be sure, save it as "CSV UTF-8".',
  csvBadColumn: (n: number, name: string, problem: string) =>
    `Column ${n} of the header row, "${name.slice(0, 70)}", cannot be a property: its name ${problem}. Rename the column and import again.`,
  csvRepeatedColumn: (name: string) =>
    `The header row names the column "${name}" twice. Give each column its own name.`,
  csvNoEmail: 'The file has no email column. The first row must name the columns, e.g. email,name,plan.',
  csvEmpty: 'The file is empty. It needs a header row (e.g. email,name,plan) and one row per contact.',
  csvMalformed: (line: number | string, detail: string) =>
    `The file is not valid CSV near line ${line}: ${detail}. Rows before it were imported.`,
  importFailed: 'The import stopped because of an error on our side.',
  unsubscribed: 'Unsubscribed: this contact will get no more survey email.',
  deleted: (email: string) => `${email} and their personal data are deleted. Their scores still count, anonymously.`,
};
