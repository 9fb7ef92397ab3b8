/**
 * The launcher's two words per language, apart from the rest (strings.ts) so the loader (widget.js)
 * carries only these.
 */
export type WidgetLanguage = 'en' | 'de' | 'fr' | 'es';

export const launcherStrings: Record<WidgetLanguage, { openChat: string; closeChat: string }> = {
  en: { openChat: 'Open chat', closeChat: 'Close chat' },
  de: { openChat: 'Chat öffnen', closeChat: 'Chat schließen' },
  fr: { openChat: 'Ouvrir le chat', closeChat: 'Fermer le chat' },
  es: { openChat: 'Abrir chat', closeChat: 'Cerrar chat' },
};

/** The launcher's words in `language`; English for anything else. */
export function launcherStringsFor(language: string | undefined): { openChat: string; closeChat: string } {
  return launcherStrings[language as WidgetLanguage] ?? launcherStrings.en;
}
