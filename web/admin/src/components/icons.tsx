/** Line icons drawn on a 16px grid; decorative, hidden from assistive technology. */
import type { ReactNode } from 'react';

function Icon({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      viewBox="0 0 16 16"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

export const IntegrationsIcon = () => (
  <Icon>
    <rect x="2" y="2" width="5" height="5" rx="1.2" />
    <rect x="9" y="2" width="5" height="5" rx="1.2" />
    <rect x="2" y="9" width="5" height="5" rx="1.2" />
    <path d="M11.5 9v5M9 11.5h5" />
  </Icon>
);
export const KeyIcon = () => (
  <Icon>
    <circle cx="5.5" cy="10.5" r="3" />
    <path d="M7.7 8.3L13.5 2.5M11.5 4.5l1.5 1.5M10 6l1.2 1.2" />
  </Icon>
);
export const ChatbotIcon = () => (
  <Icon>
    <rect x="2.5" y="4" width="11" height="8.5" rx="2.5" />
    <path d="M8 4V2M6 8h.01M10 8h.01" />
  </Icon>
);
export const ConversationIcon = () => (
  <Icon>
    <path d="M2.5 4.5a2 2 0 0 1 2-2h7a2 2 0 0 1 2 2v4.5a2 2 0 0 1-2 2H7l-3 2.5v-2.5h0.5a2 2 0 0 1-2-2z" />
  </Icon>
);
export const UsageIcon = () => (
  <Icon>
    <path d="M2.5 13.5h11M4.5 11V7.5M8 11V3.5M11.5 11V6" />
  </Icon>
);
export const PriceIcon = () => (
  <Icon>
    <path d="M2.5 8.6V3.5a1 1 0 0 1 1-1h5.1l5 5a1 1 0 0 1 0 1.4l-4.7 4.7a1 1 0 0 1-1.4 0z" />
    <circle cx="5.5" cy="5.5" r="0.9" />
  </Icon>
);
export const MembersIcon = () => (
  <Icon>
    <circle cx="6" cy="5.5" r="2.5" />
    <path d="M1.8 13.5a4.2 4.2 0 0 1 8.4 0M10.5 3.2a2.5 2.5 0 0 1 0 4.6M12 9.8a4.2 4.2 0 0 1 2.2 3.7" />
  </Icon>
);
export const AuditIcon = () => (
  <Icon>
    <path d="M4 2.5h6l2.5 2.5v8.5H4z" />
    <path d="M6 7h4.5M6 9.5h4.5M6 12h2.5" />
  </Icon>
);
export const AlertIcon = () => (
  <Icon>
    <path d="M4 11.5V7a4 4 0 0 1 8 0v4.5l1.2 1.5H2.8z" />
    <path d="M6.5 14.5h3" />
  </Icon>
);
export const AccountIcon = () => (
  <Icon>
    <circle cx="8" cy="5.5" r="2.8" />
    <path d="M2.8 14a5.2 5.2 0 0 1 10.4 0" />
  </Icon>
);
export const MenuIcon = () => (
  <Icon size={18}>
    <path d="M2.5 4.5h11M2.5 8h11M2.5 11.5h11" />
  </Icon>
);
export const SignOutIcon = () => (
  <Icon>
    <path d="M6.5 13.5h-3a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3M10.5 11l3-3-3-3M13.5 8H6" />
  </Icon>
);
export const PlusIcon = () => (
  <Icon>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);
export const ExternalIcon = () => (
  <Icon size={14}>
    <path d="M9.5 2.5h4v4M13.5 2.5L7.5 8.5M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3" />
  </Icon>
);
export const ArrowLeftIcon = () => (
  <Icon size={14}>
    <path d="M13 8H3M7 4L3 8l4 4" />
  </Icon>
);
export const ShieldIcon = () => (
  <Icon>
    <path d="M8 1.8l5 2v4c0 3-2.2 5.3-5 6.4-2.8-1.1-5-3.4-5-6.4v-4z" />
    <path d="M5.8 8l1.6 1.6 2.9-3" />
  </Icon>
);

export function BrandMark({ size = 24 }: { size?: number }) {
  return (
    <svg viewBox="0 0 32 32" width={size} height={size} aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path
        d="M10 23V9h7a3.6 3.6 0 0 1 0 7.2H10m7 0a3.4 3.4 0 0 1 0 6.8h-7"
        fill="none"
        stroke="white"
        strokeWidth="2.4"
        strokeLinejoin="round"
      />
    </svg>
  );
}
