-- Key incidents for the key.failing and key.recovered alerts, kept by the database itself: every change of a
-- key's last error (a failed message, a successful one clearing it, a Test) already writes the llm_keys row,
-- so counting there costs no extra round trip on the chat path. An incident opens after 3 failed messages in
-- a row or 2 minutes of failing, once; the success that clears the error closes it. Opening or closing one
-- queues a `key.alert` job (src/alerts/key-alerts.ts words the alert). A budget pause is not an incident: the
-- budget alerts speak for it. The key's scope is read through to_jsonb so a chatbot's own keys count apart.
CREATE OR REPLACE FUNCTION bestai_track_key_incident() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  key_row jsonb := to_jsonb(coalesce(NEW, OLD));
  ref text := coalesce(key_row->>'chatbot_id', 'workspace') || ':' || (key_row->>'provider');
  incident key_incidents%ROWTYPE;
  event text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM key_incidents WHERE workspace_id = OLD.workspace_id AND key_ref = ref;
    RETURN NULL;
  END IF;
  IF NEW.last_error_code IS NULL THEN
    DELETE FROM key_incidents WHERE workspace_id = NEW.workspace_id AND key_ref = ref RETURNING * INTO incident;
    IF incident.incident_id IS NULL THEN RETURN NULL; END IF;
    event := 'recovered';
  ELSIF NEW.last_error_code = 'budget_exhausted' THEN
    RETURN NULL;
  ELSE
    INSERT INTO key_incidents AS current (workspace_id, key_ref, consecutive_failures, failing_since, updated_at)
      VALUES (NEW.workspace_id, ref, 1, now(), now())
      ON CONFLICT (workspace_id, key_ref)
      DO UPDATE SET consecutive_failures = current.consecutive_failures + 1, updated_at = now()
      RETURNING * INTO incident;
    IF incident.incident_id IS NOT NULL
       OR (incident.consecutive_failures < 3 AND now() - incident.failing_since < interval '2 minutes') THEN
      RETURN NULL;
    END IF;
    UPDATE key_incidents SET incident_id = gen_random_uuid()
      WHERE workspace_id = NEW.workspace_id AND key_ref = ref RETURNING * INTO incident;
    event := 'failing';
  END IF;
  INSERT INTO jobs (id, kind, payload, dedupe_key)
    VALUES (
      gen_random_uuid(),
      'key.alert',
      jsonb_build_object(
        'event', event,
        'workspaceId', NEW.workspace_id,
        'chatbotId', key_row->>'chatbot_id',
        'provider', NEW.provider,
        'errorCode', coalesce(NEW.last_error_code, OLD.last_error_code),
        'incidentId', incident.incident_id
      ),
      'key.alert:' || event || ':' || incident.incident_id
    )
    ON CONFLICT (dedupe_key) DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER llm_keys_incident_on_error
  AFTER UPDATE OF last_error_code, last_error_at ON llm_keys
  FOR EACH ROW
  WHEN (OLD.last_error_code IS DISTINCT FROM NEW.last_error_code OR OLD.last_error_at IS DISTINCT FROM NEW.last_error_at)
  EXECUTE FUNCTION bestai_track_key_incident();
--> statement-breakpoint
CREATE TRIGGER llm_keys_incident_on_delete
  AFTER DELETE ON llm_keys
  FOR EACH ROW
  EXECUTE FUNCTION bestai_track_key_incident();
