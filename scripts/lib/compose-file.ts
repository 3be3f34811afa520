/**
 * docker-compose.yml, generated from the registry (`npm run compose` writes it; `npm test` fails
 * when the committed file differs): PostgreSQL, a provisioning step, each subgraph as its own
 * service on its own role, Keycloak, and the gateway routed to every subgraph.
 */
export interface ComposeSubgraph {
  name: string;
  port: number;
  database: boolean;
  /** Its feeds: a subgraph with any looks its references up in the others (SUBGRAPH_URL_<NAME>). */
  feeds?: readonly unknown[];
}

const upper = (name: string) => name.toUpperCase();

const HEADER = `# Deployment shape of the hub: PostgreSQL, each subgraph as its own service, the gateway in front.
# GENERATED from subgraphs/registry.ts by \`npm run compose\` — do not edit; \`npm test\` checks it is current.
# (No docker engine on the development machines: \`npm start\` runs the same pieces in one process.)
# Each subgraph connects as its own role that owns only its schema (docs/architecture.md, "Data");
# \`db-provision\` creates the roles and schemas and applies the migrations before the services start.
# The gateway signs the identity it forwards with an Ed25519 key (docs/security.md, "Identity");
# subgraphs get only the public half. Generate them once:
#   openssl genpkey -algorithm ed25519 -out gateway.pem && openssl pkey -in gateway.pem -pubout -out gateway.pub
#   export HUB_IDENTITY_PRIVATE_KEY="$(cat gateway.pem)" HUB_IDENTITY_PUBLIC_KEY="$(cat gateway.pub)"
x-node: &node
  image: node:20-bookworm-slim
  working_dir: /app
  volumes: ["./:/app"]
  environment: &env
    NODE_ENV: production
    LOG_LEVEL: info
    HOST: 0.0.0.0
`;

function subgraphService(s: ComposeSubgraph, all: readonly ComposeSubgraph[]): string {
  const n = upper(s.name);
  const peers = s.feeds?.length
    ? all
        .filter((p) => p.name !== s.name)
        .map((p) => `      SUBGRAPH_URL_${upper(p.name)}: http://${p.name}:${p.port}/graphql\n`)
        .join('')
    : '';
  return `
  ${s.name}:
    <<: *node
    command: node --max-semi-space-size=32 --import tsx scripts/start-subgraph.ts ${s.name}
    environment:
      <<: *env
${s.database ? `      ${n}_DATABASE_URL: postgresql://${s.name}_svc:\${${n}_DB_PASSWORD}@postgres:5432/postgres?schema=${s.name}\n` : ''}${peers}      HUB_IDENTITY_PUBLIC_KEY: \${HUB_IDENTITY_PUBLIC_KEY:?set HUB_IDENTITY_PUBLIC_KEY}
    depends_on:
      db-provision: { condition: service_completed_successfully }
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${s.port}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
      interval: 5s
`;
}

export function renderComposeFile(subgraphs: readonly ComposeSubgraph[]): string {
  const withDb = subgraphs.filter((s) => s.database);
  const passwords = withDb
    .map((s) => `      ${upper(s.name)}_DB_PASSWORD: \${${upper(s.name)}_DB_PASSWORD:?set ${upper(s.name)}_DB_PASSWORD}\n`)
    .join('');
  const audit = subgraphs.some((s) => s.name === 'audit');
  return `${HEADER}
services:
  postgres:
    image: postgres:15
    environment:
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}
    volumes: ["pgdata:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      interval: 5s

  db-provision:
    <<: *node
    command: sh -c "npm ci && npm run db:migrate"
    environment:
      <<: *env
      DATABASE_URL: postgresql://postgres:\${POSTGRES_PASSWORD}@postgres:5432/postgres
${passwords}${audit ? '      AUDIT_WRITER_DB_PASSWORD: ${AUDIT_WRITER_DB_PASSWORD:?set AUDIT_WRITER_DB_PASSWORD}\n' : ''}    depends_on:
      postgres: { condition: service_healthy }
${subgraphs.map((s) => subgraphService(s, subgraphs)).join('')}
  # The realm (roles, clients integrity-hub / hub-console / demo-feed, one test user per role) is
  # imported on first start. Its passwords and the demo-feed secret are development values: change
  # them (and turn off direct access grants on hub-console) before real users log in.
  keycloak:
    image: quay.io/keycloak/keycloak:26.1
    command: ["start-dev", "--import-realm", "--health-enabled=true"]
    ports: ["8180:8080"]
    environment:
      # Tokens' iss is {this}/realms/integrity-hub whichever address a client used, and the gateway
      # (keycloak-connect) expects iss = {KEYCLOAK_URL}/realms/…: one URL, reachable by both.
      KC_HOSTNAME: \${KEYCLOAK_PUBLIC_URL:-http://keycloak:8080}
      KC_BOOTSTRAP_ADMIN_USERNAME: admin
      KC_BOOTSTRAP_ADMIN_PASSWORD: \${KEYCLOAK_ADMIN_PASSWORD:?set KEYCLOAK_ADMIN_PASSWORD}
    volumes: ["./deploy/keycloak/integrity-hub-realm.json:/opt/keycloak/data/import/integrity-hub-realm.json:ro"]
    healthcheck:
      # The image has no curl: bash's /dev/tcp asks the management port (9000) for /health/ready.
      test: ["CMD-SHELL", "exec 3<>/dev/tcp/127.0.0.1/9000 && printf 'GET /health/ready HTTP/1.0\\\\r\\\\n\\\\r\\\\n' >&3 && read -r status <&3 && case $$status in *' 200 '*) exit 0;; esac; exit 1"]
      interval: 5s
      retries: 30

  gateway:
    <<: *node
    command: node --max-semi-space-size=32 --import tsx gateway/src/index.ts
    ports: ["4000:4000"]
    environment:
      <<: *env
      SUPERGRAPH_PATH: schema/supergraph.graphql
${subgraphs.map((s) => `      SUBGRAPH_URL_${upper(s.name)}: http://${s.name}:${s.port}/graphql\n`).join('')}      HUB_IDENTITY_PRIVATE_KEY: \${HUB_IDENTITY_PRIVATE_KEY:?set HUB_IDENTITY_PRIVATE_KEY}
${
  audit
    ? `      # Append-only login: INSERT and SELECT on audit.entry, nothing else (provisioned by db-provision).
      AUDIT_WRITER_DATABASE_URL: postgresql://audit_writer:\${AUDIT_WRITER_DB_PASSWORD}@postgres:5432/postgres?schema=audit
`
    : ''
}      KEYCLOAK_URL: \${KEYCLOAK_PUBLIC_URL:-http://keycloak:8080}
      KEYCLOAK_REALM: integrity-hub
      KEYCLOAK_AUDIENCE: integrity-hub
    depends_on:
${subgraphs.map((s) => `      ${s.name}: { condition: service_healthy }\n`).join('')}      keycloak: { condition: service_healthy }

volumes:
  pgdata:
`;
}
