/**
 * Every word the widget shows or announces, per language (the chatbot's `language` setting). Only the
 * widget's own words are translated: the owner's title, greeting and messages stay as written.
 * Values are plain text (never HTML). Functions take numbers so word order can change per language.
 */
import { launcherStrings, type WidgetLanguage } from './launcher-strings.js';

export type { WidgetLanguage };

export interface WidgetStrings {
  openChat: string;
  closeChat: string;
  defaultTitle: string;
  defaultGreeting: string;
  messageLabel: string;
  messagePlaceholder: string;
  send: string;
  newConversation: string;
  retry: string;
  typing: string;
  conversationLog: string;
  you: string;
  assistant: string;
  loadingHistory: string;
  genericError: string;
  connectionError: string;
  unavailable: string;
  loadFailed: string;
  rateLimited: (seconds: number) => string;
  rateLimitOver: string;
  poweredBy: string;
  characterCount: (count: number, limit: number) => string;
  refusedMessage: string;
  tooLong: (limit: number) => string;
  starterQuestions: string;
  helpful: string;
  notHelpful: string;
}

const count = (language: WidgetLanguage, value: number) => value.toLocaleString(language);

export const translations: Record<WidgetLanguage, WidgetStrings> = {
  en: {
    ...launcherStrings.en,
    defaultTitle: 'Chat with us',
    defaultGreeting: 'Hi! How can we help you today?',
    messageLabel: 'Message',
    messagePlaceholder: 'Write a message…',
    send: 'Send',
    newConversation: 'New conversation',
    retry: 'Retry',
    typing: 'Typing…',
    conversationLog: 'Conversation',
    you: 'You',
    assistant: 'Assistant',
    loadingHistory: 'Loading the conversation…',
    genericError: 'Sorry, something went wrong while answering. Please try again.',
    connectionError: 'We could not reach the chat service. Check your connection and try again.',
    unavailable: 'This chat is not available here.',
    loadFailed: 'The chat could not be loaded right now.',
    rateLimited: (seconds) => `You are sending messages too quickly. Try again in ${seconds} s.`,
    rateLimitOver: 'You can send messages again.',
    poweredBy: 'Powered by BestAI',
    characterCount: (value, limit) => `${count('en', value)} / ${count('en', limit)}`,
    refusedMessage: 'This message cannot be sent as it is. Change it and send it again.',
    tooLong: (limit) => `Messages can be at most ${count('en', limit)} characters; shorten yours to send it.`,
    starterQuestions: 'Suggested questions',
    helpful: 'Helpful',
    notHelpful: 'Not helpful',
  },
  de: {
    ...launcherStrings.de,
    defaultTitle: 'Chatten Sie mit uns',
    defaultGreeting: 'Hallo! Wie können wir Ihnen heute helfen?',
    messageLabel: 'Nachricht',
    messagePlaceholder: 'Nachricht schreiben…',
    send: 'Senden',
    newConversation: 'Neues Gespräch',
    retry: 'Erneut versuchen',
    typing: 'Schreibt…',
    conversationLog: 'Gespräch',
    you: 'Sie',
    assistant: 'Assistent',
    loadingHistory: 'Das Gespräch wird geladen…',
    genericError: 'Beim Antworten ist leider etwas schiefgegangen. Bitte versuchen Sie es erneut.',
    connectionError:
      'Der Chat-Dienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    unavailable: 'Dieser Chat ist hier nicht verfügbar.',
    loadFailed: 'Der Chat kann gerade nicht geladen werden.',
    rateLimited: (seconds) => `Sie senden Nachrichten zu schnell. Versuchen Sie es in ${seconds} s erneut.`,
    rateLimitOver: 'Sie können wieder Nachrichten senden.',
    poweredBy: 'Bereitgestellt von BestAI',
    characterCount: (value, limit) => `${count('de', value)} / ${count('de', limit)}`,
    refusedMessage:
      'Diese Nachricht kann so nicht gesendet werden. Ändern Sie sie und senden Sie sie erneut.',
    tooLong: (limit) =>
      `Nachrichten dürfen höchstens ${count('de', limit)} Zeichen lang sein; kürzen Sie Ihre, um sie zu senden.`,
    starterQuestions: 'Vorgeschlagene Fragen',
    helpful: 'Hilfreich',
    notHelpful: 'Nicht hilfreich',
  },
  fr: {
    ...launcherStrings.fr,
    defaultTitle: 'Discutez avec nous',
    defaultGreeting: 'Bonjour ! Comment pouvons-nous vous aider ?',
    messageLabel: 'Message',
    messagePlaceholder: 'Écrivez un message…',
    send: 'Envoyer',
    newConversation: 'Nouvelle conversation',
    retry: 'Réessayer',
    typing: 'En train d’écrire…',
    conversationLog: 'Conversation',
    you: 'Vous',
    assistant: 'Assistant',
    loadingHistory: 'Chargement de la conversation…',
    genericError: 'Désolé, un problème est survenu pendant la réponse. Veuillez réessayer.',
    connectionError: 'Le service de chat est injoignable. Vérifiez votre connexion et réessayez.',
    unavailable: 'Ce chat n’est pas disponible ici.',
    loadFailed: 'Le chat ne peut pas être chargé pour le moment.',
    rateLimited: (seconds) => `Vous envoyez des messages trop vite. Réessayez dans ${seconds} s.`,
    rateLimitOver: 'Vous pouvez de nouveau envoyer des messages.',
    poweredBy: 'Propulsé par BestAI',
    characterCount: (value, limit) => `${count('fr', value)} / ${count('fr', limit)}`,
    refusedMessage: 'Ce message ne peut pas être envoyé tel quel. Modifiez-le puis renvoyez-le.',
    tooLong: (limit) =>
      `Un message compte au plus ${count('fr', limit)} caractères ; raccourcissez le vôtre pour l’envoyer.`,
    starterQuestions: 'Questions suggérées',
    helpful: 'Utile',
    notHelpful: 'Pas utile',
  },
  es: {
    ...launcherStrings.es,
    defaultTitle: 'Chatea con nosotros',
    defaultGreeting: '¡Hola! ¿En qué podemos ayudarte hoy?',
    messageLabel: 'Mensaje',
    messagePlaceholder: 'Escribe un mensaje…',
    send: 'Enviar',
    newConversation: 'Nueva conversación',
    retry: 'Reintentar',
    typing: 'Escribiendo…',
    conversationLog: 'Conversación',
    you: 'Tú',
    assistant: 'Asistente',
    loadingHistory: 'Cargando la conversación…',
    genericError: 'Lo sentimos, algo salió mal al responder. Inténtalo de nuevo.',
    connectionError: 'No pudimos conectar con el servicio de chat. Revisa tu conexión e inténtalo de nuevo.',
    unavailable: 'Este chat no está disponible aquí.',
    loadFailed: 'No se puede cargar el chat en este momento.',
    rateLimited: (seconds) => `Estás enviando mensajes demasiado rápido. Inténtalo de nuevo en ${seconds} s.`,
    rateLimitOver: 'Ya puedes enviar mensajes de nuevo.',
    poweredBy: 'Con la tecnología de BestAI',
    characterCount: (value, limit) => `${count('es', value)} / ${count('es', limit)}`,
    refusedMessage: 'Este mensaje no se puede enviar así. Cámbialo y envíalo de nuevo.',
    tooLong: (limit) =>
      `Los mensajes pueden tener como máximo ${count('es', limit)} caracteres; acorta el tuyo para enviarlo.`,
    starterQuestions: 'Preguntas sugeridas',
    helpful: 'Útil',
    notHelpful: 'No es útil',
  },
};

/** The widget's words in `language`; English for anything else. */
export function stringsFor(language: string | undefined): WidgetStrings {
  return translations[language as WidgetLanguage] ?? translations.en;
}

/** The English words: the contract's words, and the loader's before it knows the chatbot's language. */
export const strings = translations.en;
