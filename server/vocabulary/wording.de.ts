import type { RespondentWording } from './wording-types.js';

const scale = { lowLabel: 'Äußerst unwahrscheinlich', highLabel: 'Äußerst wahrscheinlich' };

/** Deutsch: was Kunden in der Umfrage-E-Mail und auf ihren Seiten lesen. */
export const DE: RespondentWording = {
  questions: {
    recommend: 'Wie wahrscheinlich ist es, dass Sie {company} einem Freund oder Kollegen weiterempfehlen?',
    repurchase: 'Würden Sie wieder bei {company} kaufen?',
    reason: 'Was ist der wichtigste Grund für Ihre Bewertung?',
  },
  dateLocale: 'de-DE',
  email: {
    ...scale,
    instruction: 'Klicken Sie auf eine Zahl, um zu antworten. Das dauert nur eine Sekunde.',
    reminderNote: 'Eine kurze Erinnerung: Ihre Antwort ist uns weiterhin wichtig.',
    reminderSubjectPrefix: 'Erinnerung: ',
    footerReason: (company) => `Sie erhalten diese E-Mail, weil Sie Kunde von ${company} sind.`,
    unsubscribe: 'Diese Umfragen abbestellen',
    textScoreLine: (score) => `${score}: `,
  },
  page: {
    ...scale,
    scaleHint: '0 bedeutet äußerst unwahrscheinlich, 10 äußerst wahrscheinlich.',
    repurchaseAnswers: {
      definitely_would: 'Auf jeden Fall',
      probably_would: 'Wahrscheinlich',
      not_sure: 'Weiß nicht',
      probably_would_not: 'Eher nicht',
      definitely_would_not: 'Auf keinen Fall',
    },
    optional: '(freiwillig)',
    commentHint: 'Bis zu 5.000 Zeichen.',
    submit: 'Antwort senden',
    update: 'Änderungen speichern',
    previewBanner: 'Vorschau: So sehen Kunden die Seite. Was Sie hier senden, wird nicht gespeichert.',
    storedNote: (on, until) => `Sie haben am ${on} geantwortet. Sie können Ihre Antwort bis ${until} ändern.`,
    thanksTitle: 'Vielen Dank!',
    thanksBody: 'Ihre Antwort hilft uns, besser zu werden.',
    thanksSaved: 'Wir haben Ihre Antwort gespeichert:',
    reviewLink: 'Würden Sie uns eine Bewertung schreiben? Das hilft anderen, uns zu finden.',
    yourScore: 'Ihre Bewertung',
    yourRepurchase: 'Wieder kaufen',
    yourComment: 'Ihr Grund',
    changeLink: (until) => `Antwort ändern (möglich bis ${until})`,
    lockedNote: (on) => `Sie haben am ${on} geantwortet. Vielen Dank! Die Antwort kann nicht mehr geändert werden.`,
    closedTitle: 'Diese Umfrage ist beendet',
    closedBody: 'Sie nimmt keine Antworten mehr an. Danke für Ihre Zeit; Sie müssen nichts weiter tun.',
    unsubscribedTitle: 'Sie sind abgemeldet',
    unsubscribedBody:
      'Sie haben diese Umfragen abbestellt, daher nimmt dieser Link keine Antworten mehr an. Sie müssen nichts weiter tun.',
    formError: 'Ihre Antwort ist noch nicht gespeichert. Bitte prüfen Sie die markierte Frage.',
    errors: {
      score: 'Wählen Sie eine Bewertung von 0 bis 10.',
      repurchase: 'Wählen Sie eine der fünf Antworten oder lassen Sie die Frage leer.',
      comment: 'Ihr Grund ist länger als 5.000 Zeichen. Bitte kürzen Sie ihn.',
      stamp: 'Diese Seite wurde verändert oder ist zu alt. Bitte prüfen Sie Ihre Antworten und senden Sie sie erneut.',
    },
  },
  unsubscribe: {
    confirmTitle: 'Umfragen abbestellen?',
    confirmBody: (company) => `Sie erhalten dann keine Umfrage-E-Mails mehr von ${company}.`,
    confirmButton: 'Abbestellen',
    doneTitle: 'Sie sind abgemeldet',
    doneBody: (company) => `${company} sendet Ihnen keine Umfrage-E-Mails mehr.`,
  },
};
