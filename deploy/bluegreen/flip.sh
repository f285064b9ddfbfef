#!/usr/bin/env bash
# Blue/green releases of Tickline's stateless roles (gateway, strategy, platform); see
# docs/deployment.md#bluegreen-releases.
#
#   flip.sh k8s release <image>    start the idle colour on <image> at the live colour's size, wait
#                                  until every pod is ready, point the `gateway` Service at it, then
#                                  scale the old colour to 0 (its pods drain, then stop)
#   flip.sh k8s rollback           the same back to the previous colour on the image it still has
#   flip.sh k8s status             the live colour and each colour's image and ready pods
#   flip.sh compose release <image> | rollback | status
#                                  the same on Docker Compose: projects tickline-blue and
#                                  tickline-green (deploy/compose.bluegreen.yaml) behind the
#                                  `front` proxy of deploy/compose.yaml
#
# Environment: NAMESPACE (k8s, default tickline), KUBECTL (default kubectl), DOCKER (default docker),
# TIMEOUT (seconds to wait for readiness, default 300).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEPLOY="$(dirname "$HERE")"
NAMESPACE="${NAMESPACE:-tickline}"
KUBECTL="${KUBECTL:-kubectl}"
DOCKER="${DOCKER:-docker}"
TIMEOUT="${TIMEOUT:-300}"
ROLES=(gateway strategy platform)
LIVE_CONF="$HERE/front/live.conf"
STATE="$HERE/.compose-images"

say() { printf '[flip] %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
other() { [[ "$1" == blue ]] && echo green || echo blue; }

# --- Kubernetes ---------------------------------------------------------------------------------
k() { "$KUBECTL" -n "$NAMESPACE" "$@"; }
k8s_live() { k get service gateway -o 'jsonpath={.spec.selector.tickline\.dev/colour}'; }

k8s_switch() { # <to> [image]: bring <to> up (on image, if given), flip, scale the other to 0
  local to="$1" image="${2:-}" from role replicas
  from="$(other "$to")"
  for role in "${ROLES[@]}"; do
    replicas="$(k get deployment "$role-$from" -o 'jsonpath={.spec.replicas}')"
    [[ "$replicas" -gt 0 ]] || replicas=2
    if [[ -n "$image" ]]; then k set image "deployment/$role-$to" "tickline=$image" >/dev/null; fi
    k scale "deployment/$role-$to" --replicas="$replicas" >/dev/null
    say "$role-$to: $replicas replicas${image:+ on $image}"
  done
  for role in "${ROLES[@]}"; do
    k rollout status "deployment/$role-$to" --timeout="${TIMEOUT}s" >&2 ||
      die "$role-$to did not become ready: the Service still points at $from (nothing flipped)"
  done
  k patch service gateway --type merge -p "{\"spec\":{\"selector\":{\"tickline.dev/colour\":\"$to\"}}}" >/dev/null
  say "service/gateway now selects $to"
  # New connections go to $to from here; the $from pods get SIGTERM and drain (shutdown.drainMs).
  for role in "${ROLES[@]}"; do k scale "deployment/$role-$from" --replicas=0 >/dev/null; done
  say "$from scaled to 0: its pods drain, then stop. Write colour $to in deploy/k8s/overlays/bluegreen/live-colour.yaml"
}

k8s() {
  local live
  live="$(k8s_live)" || die "no gateway Service in namespace $NAMESPACE"
  case "${1:-}" in
    release) [[ -n "${2:-}" ]] || die "usage: flip.sh k8s release <image>"; k8s_switch "$(other "$live")" "$2" ;;
    rollback) k8s_switch "$(other "$live")" ;;
    status)
      echo "live: $live"
      k get deployments -l 'tickline.dev/colour' \
        -o 'custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image,READY:.status.readyReplicas,WANTED:.spec.replicas'
      ;;
    *) die "usage: flip.sh k8s release <image> | rollback | status" ;;
  esac
}

# --- Docker Compose -----------------------------------------------------------------------------
colour_compose() { # <colour> <image> <compose args…>
  local colour="$1" image="$2"
  shift 2
  TICKLINE_COLOUR="$colour" TICKLINE_IMAGE="$image" \
    "$DOCKER" compose -p "tickline-$colour" --env-file "$DEPLOY/.env" -f "$DEPLOY/compose.bluegreen.yaml" "$@"
}
compose_live() { sed -n 's/.*server gateway-\([a-z]*\):8080.*/\1/p' "$LIVE_CONF"; }
image_of() { [[ -f "$STATE" ]] && sed -n "s/^$1=//p" "$STATE" || true; }
remember() { # <colour> <image>
  local keep
  keep="$( [[ -f "$STATE" ]] && grep -v "^$1=" "$STATE" || true)"
  printf '%s\n%s=%s\n' "$keep" "$1" "$2" | sed '/^$/d' >"$STATE"
}

compose_switch() { # <to> <image>
  local to="$1" image="$2" from
  from="$(other "$to")"
  say "tickline-$to on $image: starting, waiting for every process to be healthy"
  colour_compose "$to" "$image" up -d --wait --wait-timeout "$TIMEOUT" >&2 ||
    die "tickline-$to did not become healthy: the front still points at $from (nothing flipped)"
  remember "$to" "$image"
  printf '# The live colour'"'"'s gateways; deploy/bluegreen/flip.sh rewrites this line and reloads nginx.\nupstream tickline_gateways { server gateway-%s:8080; }\n' "$to" >"$LIVE_CONF"
  "$DOCKER" compose -f "$DEPLOY/compose.yaml" --profile bluegreen exec -T front nginx -s reload >&2
  say "front now proxies to gateway-$to"
  # SIGTERM: each process drains for 10 s, then stops (stop_grace_period 25 s).
  colour_compose "$from" "$(image_of "$from")" stop >&2
  say "tickline-$from stopped after its drain (kept for a rollback: flip.sh compose rollback)"
}

compose() {
  local live
  live="$(compose_live)"
  [[ -n "$live" ]] || die "no live colour in $LIVE_CONF"
  case "${1:-}" in
    release) [[ -n "${2:-}" ]] || die "usage: flip.sh compose release <image>"; compose_switch "$(other "$live")" "$2" ;;
    rollback)
      local back image
      back="$(other "$live")"
      image="$(image_of "$back")"
      [[ -n "$image" ]] || die "no image recorded for $back in $STATE: nothing to roll back to"
      compose_switch "$back" "$image"
      ;;
    status)
      echo "live: $live (blue: $(image_of blue), green: $(image_of green))"
      for colour in blue green; do "$DOCKER" compose -p "tickline-$colour" ps 2>/dev/null || true; done
      ;;
    *) die "usage: flip.sh compose release <image> | rollback | status" ;;
  esac
}

case "${1:-}" in
  k8s) shift; k8s "$@" ;;
  compose) shift; compose "$@" ;;
  *) die "usage: flip.sh k8s|compose release <image> | rollback | status" ;;
esac
