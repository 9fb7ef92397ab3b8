/** The sidebar: workspace switcher, the screens this role may open, and the signed-in user. */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { roleNames } from '../format';
import { can } from '../permissions';
import { Link, useLocation } from '../router';
import { useAlerts } from '../screens/alerts';
import { useSession } from '../session';
import {
  AccountIcon,
  AlertIcon,
  AuditIcon,
  BrandMark,
  ChatbotIcon,
  ConversationIcon,
  IntegrationsIcon,
  KeyIcon,
  MembersIcon,
  MenuIcon,
  PriceIcon,
  SignOutIcon,
  UsageIcon,
} from './icons';

function NavLink({
  to,
  icon,
  children,
  isActive,
  isNested = false,
}: {
  to: string;
  icon: ReactNode;
  children: ReactNode;
  isActive: boolean;
  isNested?: boolean;
}) {
  return (
    <Link
      to={to}
      className={`nav-link${isNested ? ' nav-link--nested' : ''}`}
      aria-current={isActive ? 'page' : undefined}
    >
      {icon}
      <span>{children}</span>
    </Link>
  );
}

export function Navigation() {
  const { me, workspace, role, switchWorkspace, signOut } = useSession();
  const { pathname } = useLocation();
  const [isOpen, setOpen] = useState(false);
  const navId = useId();
  const workspaceSelectId = useId();

  useEffect(() => setOpen(false), [pathname]);

  const alertsQuery = useAlerts();
  const unreadAlerts = alertsQuery.data?.unread ?? 0;
  const startsWith = (prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

  return (
    <aside className={`sidebar${isOpen ? ' sidebar--open' : ''}`}>
      <div className="sidebar__top">
        <Link to="/" className="brand">
          <BrandMark />
          <span className="brand__name">BestAI</span>
        </Link>
        <button
          type="button"
          className="icon-button sidebar__menu-button"
          aria-expanded={isOpen}
          aria-controls={navId}
          onClick={() => setOpen((open) => !open)}
        >
          <MenuIcon />
          <span className="visually-hidden">Menu</span>
        </button>
      </div>
      <div className="sidebar__panel" id={navId}>
        <div className="workspace-switcher">
          <label htmlFor={workspaceSelectId} className="workspace-switcher__label">
            Workspace
          </label>
          {me.workspaces.length > 1 ? (
            <select
              id={workspaceSelectId}
              className="select select--compact"
              value={workspace.id}
              onChange={(event) => switchWorkspace(event.target.value)}
            >
              {me.workspaces.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} · {roleNames[candidate.role]}
                </option>
              ))}
            </select>
          ) : (
            <output id={workspaceSelectId} className="workspace-switcher__single">
              <span className="workspace-switcher__avatar" aria-hidden="true">
                {workspace.name.trim().charAt(0).toUpperCase() || 'W'}
              </span>
              <span className="workspace-switcher__name">{workspace.name}</span>
            </output>
          )}
        </div>
        <nav aria-label="Main" className="nav">
          <NavLink to="/integrations" icon={<IntegrationsIcon />} isActive={pathname === '/integrations'}>
            Integrations
          </NavLink>
          <NavLink
            to="/integrations/llm"
            icon={<KeyIcon />}
            isActive={startsWith('/integrations/llm')}
            isNested
          >
            LLM
          </NavLink>
          <NavLink to="/chatbots" icon={<ChatbotIcon />} isActive={startsWith('/chatbots')}>
            Chatbots
          </NavLink>
          <NavLink to="/conversations" icon={<ConversationIcon />} isActive={startsWith('/conversations')}>
            Conversations
          </NavLink>
          <NavLink to="/usage" icon={<UsageIcon />} isActive={startsWith('/usage')}>
            Usage
          </NavLink>
          <NavLink to="/prices" icon={<PriceIcon />} isActive={startsWith('/prices')}>
            Prices
          </NavLink>
          <NavLink to="/members" icon={<MembersIcon />} isActive={startsWith('/members')}>
            Members
          </NavLink>
          {can(role, 'alerts.read') ? (
            <NavLink to="/alerts" icon={<AlertIcon />} isActive={startsWith('/alerts')}>
              Alerts
              {unreadAlerts > 0 ? (
                <span className="nav-count" aria-label={`${unreadAlerts} unread`}>
                  {unreadAlerts}
                </span>
              ) : null}
            </NavLink>
          ) : null}
          <NavLink to="/account" icon={<AccountIcon />} isActive={startsWith('/account')}>
            Account
          </NavLink>
          {can(role, 'audit_log.read') ? (
            <NavLink to="/audit-log" icon={<AuditIcon />} isActive={startsWith('/audit-log')}>
              Audit log
            </NavLink>
          ) : null}
        </nav>
        <div className="sidebar__footer">
          <div className="user-chip">
            <span className="user-chip__avatar" aria-hidden="true">
              {me.user.email.charAt(0).toUpperCase()}
            </span>
            <span className="user-chip__text">
              <span className="user-chip__email" title={me.user.email}>
                {me.user.email}
              </span>
              <span className="user-chip__role">{roleNames[role]}</span>
            </span>
          </div>
          <button
            type="button"
            className="button button--ghost button--small sidebar__sign-out"
            onClick={signOut}
          >
            <SignOutIcon />
            Sign out
          </button>
        </div>
      </div>
    </aside>
  );
}
