/**
 * Every word the widget shows or announces, in one table so it can be translated.
 * Values are plain text (never HTML). Functions take numbers so word order can change per language.
 */
export const strings = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
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
  rateLimited: (seconds: number): string =>
    `You are sending messages too quickly. Try again in ${seconds} s.`,
  rateLimitOver: 'You can send messages again.',
  poweredBy: 'Powered by BestAI',
} as const;

export type WidgetStrings = typeof strings;
