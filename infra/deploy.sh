#!/usr/bin/env bash
# Deploys the whole service: builds the complaint function, the staff console's function, the
# email function and the publishing function (arm64), creates/updates the CloudFormation stack
# (infra/template.yaml) with `sam deploy`, seeds the content store (in the table) from the
# repository's content/, and publishes the site through the publishing function, which uploads
# only the changed files to the site bucket and invalidates only their paths in CloudFront (on
# the very first deploy: the whole site with `aws s3 sync`, see step 6).
#
# Usage: bash infra/deploy.sh [options]          (from anywhere; see infra/README.md)
#   --stack NAME            stack name                      env STACK_NAME        (default pengaduan)
#   --region REGION         AWS region of the stack         env AWS_REGION        (default: the AWS CLI's
#                                                           configured region, else ap-southeast-3, Jakarta)
#   --office-name NAME      OfficeName parameter            env OFFICE_NAME
#   --domain DOMAIN         custom domain ('' removes it)   env DOMAIN_NAME
#   --certificate-arn ARN   ACM certificate in us-east-1    env CERTIFICATE_ARN
#   --sender-email ADDR     SenderEmail parameter: sender of the messages to complainants
#                           (its domain becomes an SES identity)  env SENDER_EMAIL
#                           Required until the stack holds a real one: the template's default is
#                           a placeholder, and so is any address at an example domain or
#                           saying "contoh".
#   --skip-function-build   reuse target/lambda/{form-fn,console-fn,mail-fn,publish-fn}/bootstrap as
#                           they are (publish-fn's site/ folder is packed again all the same)
#   --timpa-konten          content files that editors changed in the console are overwritten with
#                           the repository's (`pengaduan-staf konten benih --timpa`); without it
#                           they are kept, and listed
#   --wait                  wait until the CloudFront invalidation has completed
#   -h, --help              this text
# More parameters, passed only when set (otherwise the stack keeps its current value, or the
# template's default on the first deploy): RATE_LIMIT_PER_HOUR, TIME_ZONE, LOG_RETENTION_DAYS,
# RESERVED_CONCURRENCY, CONSOLE_RESERVED_CONCURRENCY, MAIL_RESERVED_CONCURRENCY,
# API_THROTTLE_RATE, API_THROTTLE_BURST, ENABLE_TRACING (true/false), MAIL_FROM_DOMAIN (custom
# MAIL FROM subdomain of the sender's domain; '' removes it).
# Also: SAM_S3_BUCKET (artifact bucket; default: SAM's managed bucket via --resolve-s3),
#       DEPLOY_VENV (where cargo-lambda is pip-installed when missing;
#       default ~/.cache/pengaduan/deploy-venv).
set -Eeuo pipefail

TOTAL_STEPS=7
step_no=0
step_name="starting"

step() {
  step_no=$((step_no + 1))
  step_name="$*"
  echo
  echo "==> [$step_no/$TOTAL_STEPS] $*"
}

on_error() {
  local rc=$? line=$1
  echo >&2
  echo "!! deploy FAILED in step [$step_no/$TOTAL_STEPS] $step_name (exit $rc, deploy.sh line $line)" >&2
  if [[ $step_no -ge 3 ]]; then
    echo "!! The stack may have been changed already; see infra/README.md (Rollback)." >&2
  fi
  exit "$rc"
}
trap 'on_error $LINENO' ERR

die() {
  echo "error: $*" >&2
  exit 2
}

usage() {
  sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# ------------------------------------------------------------------ options
stack="${STACK_NAME:-pengaduan}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
skip_function_build=false
overwrite_content=false
wait_invalidation=false
# "Set" (even to '') versus "unset" matters for these: unset keeps the stack's current value.
[[ -n "${OFFICE_NAME+x}" ]] && office_name="$OFFICE_NAME"
[[ -n "${DOMAIN_NAME+x}" ]] && domain="$DOMAIN_NAME"
[[ -n "${CERTIFICATE_ARN+x}" ]] && certificate_arn="$CERTIFICATE_ARN"
[[ -n "${SENDER_EMAIL+x}" ]] && sender_email="$SENDER_EMAIL"
[[ -n "${MAIL_FROM_DOMAIN+x}" ]] && mail_from_domain="$MAIL_FROM_DOMAIN"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --stack) [[ $# -ge 2 ]] || die "$1 needs a value"; stack="$2"; shift 2 ;;
    --region) [[ $# -ge 2 ]] || die "$1 needs a value"; region="$2"; shift 2 ;;
    --office-name) [[ $# -ge 2 ]] || die "$1 needs a value"; office_name="$2"; shift 2 ;;
    --domain) [[ $# -ge 2 ]] || die "$1 needs a value"; domain="$2"; shift 2 ;;
    --certificate-arn) [[ $# -ge 2 ]] || die "$1 needs a value"; certificate_arn="$2"; shift 2 ;;
    --sender-email) [[ $# -ge 2 ]] || die "$1 needs a value"; sender_email="$2"; shift 2 ;;
    --skip-function-build) skip_function_build=true; shift ;;
    --timpa-konten) overwrite_content=true; shift ;;
    --wait) wait_invalidation=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

# Template limits: resource names derived from the stack name must stay within 64 characters.
[[ "$stack" =~ ^[A-Za-z][A-Za-z0-9-]{0,51}$ ]] \
  || die "stack name '$stack': letters, digits and '-', starting with a letter, at most 52 characters"
if [[ -n "${office_name+x}" ]]; then
  [[ "$office_name" =~ ^[A-Za-z0-9\ ._:/=+@-]{1,80}$ ]] \
    || die "office name: 1 to 80 of letters, digits, space and . _ : / = + @ - (it is also a tag value)"
fi
if [[ -n "${domain+x}" && -n "$domain" ]]; then
  [[ "$domain" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$ ]] \
    || die "domain '$domain' is not a lower-case host name"
fi
if [[ -n "${certificate_arn+x}" && -n "$certificate_arn" ]]; then
  [[ "$certificate_arn" =~ ^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$ ]] \
    || die "certificate ARN must be an ACM certificate in us-east-1 (CloudFront requires that region)"
fi
email_pattern='^[A-Za-z0-9._%+-]{1,64}@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
if [[ -n "${sender_email+x}" ]]; then
  [[ "$sender_email" =~ $email_pattern ]] \
    || die "sender email '$sender_email': an address whose domain is a lower-case host name"
fi
if [[ -n "${mail_from_domain+x}" && -n "$mail_from_domain" ]]; then
  [[ "$mail_from_domain" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$ ]] \
    || die "MAIL_FROM_DOMAIN '$mail_from_domain' is not a lower-case host name"
  if [[ -n "${sender_email:-}" && "$mail_from_domain" != *".${sender_email#*@}" ]]; then
    die "MAIL_FROM_DOMAIN '$mail_from_domain' must be a subdomain of the sender's domain ${sender_email#*@}"
  fi
fi
# The same placeholders site-gen refuses in config.toml: reserved example domains (RFC 2606:
# *.example, example.com/.net/.org, and *.invalid, *.test, *.localhost), and "contoh".
placeholder_email() {
  local domain="${1#*@}"
  domain="${domain,,}"
  [[ "${1,,}" == *contoh* ]] \
    || [[ "$domain" =~ (^|\.)(example|invalid|test|localhost)$ ]] \
    || [[ "$domain" =~ (^|\.)example\.(com|net|org)$ ]]
}

# Both given but only one empty: refuse here. (Only one given: the template's Rules check it
# against the value the stack keeps for the other.)
if [[ -n "${domain+x}" && -n "${certificate_arn+x}" ]] \
  && { [[ -z "$domain" && -n "$certificate_arn" ]] || [[ -n "$domain" && -z "$certificate_arn" ]]; }; then
  die "give both --domain and --certificate-arn (or both as '' to go back to the CloudFront domain)"
fi

# ------------------------------------------------------------------ 1. prerequisites
step "Checking prerequisites"
missing=()
command -v aws >/dev/null || missing+=("aws (AWS CLI v2: https://docs.aws.amazon.com/cli/)")
command -v sam >/dev/null || missing+=("sam (AWS SAM CLI: https://docs.aws.amazon.com/serverless-application-model/)")
command -v cargo >/dev/null || missing+=("cargo (Rust toolchain: https://rustup.rs)")
command -v python3 >/dev/null || missing+=("python3 (reads the publishing function's report)")
if [[ ${#missing[@]} -gt 0 ]]; then
  printf '   missing: %s\n' "${missing[@]}" >&2
  false
fi
if [[ -z "$region" ]]; then
  region="$(aws configure get region 2>/dev/null || true)"
  region="${region:-ap-southeast-3}"
fi
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
echo "   aws:   $(aws --version 2>&1 | head -n1)"
echo "   sam:   $(sam --version 2>&1 | head -n1)"
echo "   cargo: $(cargo --version)"
account="$(aws sts get-caller-identity --query Account --output text)"
echo "   AWS account $account, region $region, stack $stack"
# The sender of the messages to complainants: given now, or the one the stack keeps. A new stack
# would get the template's placeholder, so the first deploy must name one.
if [[ -n "${sender_email+x}" ]]; then
  effective_sender="$sender_email"
else
  effective_sender="$(aws cloudformation describe-stacks --stack-name "$stack" --region "$region" \
    --query "Stacks[0].Parameters[?ParameterKey=='SenderEmail'].ParameterValue | [0]" \
    --output text 2>/dev/null || true)"
  [[ "$effective_sender" == "None" ]] && effective_sender=""
fi
if [[ -z "$effective_sender" ]] || placeholder_email "$effective_sender"; then
  echo "   sender email: ${effective_sender:-none yet, only the template default (a placeholder)}" >&2
  echo "   give the office's real sender address: --sender-email pengaduan@<the office's domain>" >&2
  echo "   (see infra/README.md, Surel)" >&2
  false
fi
echo "   sender email: $effective_sender"

if ! $skip_function_build && ! cargo lambda --version >/dev/null 2>&1; then
  # cargo-lambda from PyPI ships its own Zig (used as the cross linker for arm64).
  deploy_venv="${DEPLOY_VENV:-$HOME/.cache/pengaduan/deploy-venv}"
  if [[ ! -x "$deploy_venv/bin/cargo-lambda" ]]; then
    echo "   installing cargo-lambda into $deploy_venv"
    python3 -m venv "$deploy_venv"
    "$deploy_venv/bin/python" -m pip install --quiet --upgrade pip
    "$deploy_venv/bin/python" -m pip install --quiet cargo-lambda
  fi
  # First on PATH: cargo finds `cargo-lambda`, and cargo-lambda finds the venv's python3 -m ziglang.
  export PATH="$deploy_venv/bin:$PATH"
fi
# The site is built for an https:// address (by the publishing function, or here on the first
# deploy), and site-gen refuses that while config.toml still holds placeholders (values marked
# CONTOH, example domains), naming each. Find out now, before the stack changes.
echo "   config.toml: checking for placeholders (site-gen build for https://)"
preflight_dir="$root/target/deploy-site-preflight"
rm -rf "$preflight_dir"
# Without `serve` (--no-default-features), site-gen is the site alone: no API, console or stores.
(cd "$root" && cargo run --release --quiet -p site-gen --no-default-features -- build --out "$preflight_dir" \
  --base-url "https://${domain:-pengaduan.invalid}")
rm -rf "$preflight_dir"
if ! $skip_function_build; then
  echo "   $(cargo lambda --version)"
  if command -v rustup >/dev/null; then
    rustup target add aarch64-unknown-linux-gnu >/dev/null
  fi
fi

# ------------------------------------------------------------------ 2. functions
step "Building the functions (form-fn, console-fn, mail-fn, publish-fn; arm64)"
cd "$root"
if $skip_function_build; then
  echo "   skipped (--skip-function-build)"
else
  cargo lambda build --release --arm64 -p form-fn
  # The staff console (/staf/*); its Lambda shell is behind the crate's `lambda` feature.
  cargo lambda build --release --arm64 -p pengaduan-console --features lambda --bin console-fn
  # Email to complainants (the outbox through SES); its Lambda shell is behind `lambda` too.
  cargo lambda build --release --arm64 -p pengaduan-mail --features lambda --bin mail-fn
  # Publishing the editors' content (builds the site with site-gen's library).
  cargo lambda build --release --arm64 -p pengaduan-publish --features lambda --bin publish-fn
fi
for bootstrap in target/lambda/form-fn/bootstrap target/lambda/console-fn/bootstrap \
  target/lambda/mail-fn/bootstrap target/lambda/publish-fn/bootstrap; do
  [[ -f "$bootstrap" ]] || { echo "   $bootstrap not found" >&2; false; }
  echo "   $bootstrap: $(du -h "$bootstrap" | cut -f1)"
done
# publish-fn builds the site from the content store's text with these, found at
# $LAMBDA_TASK_ROOT/site/: sam zips the whole folder (CodeUri), so they go next to bootstrap.
# The content itself is never packed: it comes from the table.
publish_site="target/lambda/publish-fn/site"
rm -rf "$publish_site"
mkdir -p "$publish_site"
cp -R templates static config.toml "$publish_site/"
echo "   $publish_site: templates/, static/, config.toml ($(du -sh "$publish_site" | cut -f1))"

# ------------------------------------------------------------------ 3. stack
step "Deploying stack $stack (sam deploy)"
# sam's Key="value" form keeps spaces inside a value and allows an empty one.
overrides=()
add_override() { overrides+=("$1=\"$2\""); }
[[ -n "${office_name+x}" ]] && add_override OfficeName "$office_name"
[[ -n "${domain+x}" ]] && add_override DomainName "$domain"
[[ -n "${certificate_arn+x}" ]] && add_override CertificateArn "$certificate_arn"
[[ -n "${RATE_LIMIT_PER_HOUR:-}" ]] && add_override RateLimitPerHour "$RATE_LIMIT_PER_HOUR"
[[ -n "${TIME_ZONE:-}" ]] && add_override TimeZone "$TIME_ZONE"
# A fresh secret each deploy: CloudFront and the function get it in the same stack update.
add_override OriginVerifySecret "${ORIGIN_VERIFY_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}"
[[ -n "${LOG_RETENTION_DAYS:-}" ]] && add_override LogRetentionDays "$LOG_RETENTION_DAYS"
[[ -n "${RESERVED_CONCURRENCY:-}" ]] && add_override ReservedConcurrency "$RESERVED_CONCURRENCY"
[[ -n "${CONSOLE_RESERVED_CONCURRENCY:-}" ]] && add_override ConsoleReservedConcurrency "$CONSOLE_RESERVED_CONCURRENCY"
[[ -n "${sender_email+x}" ]] && add_override SenderEmail "$sender_email"
[[ -n "${mail_from_domain+x}" ]] && add_override MailFromDomain "$mail_from_domain"
[[ -n "${MAIL_RESERVED_CONCURRENCY:-}" ]] && add_override MailReservedConcurrency "$MAIL_RESERVED_CONCURRENCY"
[[ -n "${API_THROTTLE_RATE:-}" ]] && add_override ApiThrottleRate "$API_THROTTLE_RATE"
[[ -n "${API_THROTTLE_BURST:-}" ]] && add_override ApiThrottleBurst "$API_THROTTLE_BURST"
[[ -n "${ENABLE_TRACING:-}" ]] && add_override EnableTracing "$ENABLE_TRACING"

sam_args=(
  deploy
  --template-file infra/template.yaml
  --stack-name "$stack"
  --region "$region"
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND
  --no-confirm-changeset
  --no-fail-on-empty-changeset
  --tags "app=pengaduan"
)
if [[ -n "${SAM_S3_BUCKET:-}" ]]; then
  sam_args+=(--s3-bucket "$SAM_S3_BUCKET" --s3-prefix "$stack")
else
  sam_args+=(--resolve-s3)
fi
if [[ ${#overrides[@]} -gt 0 ]]; then
  sam_args+=(--parameter-overrides "${overrides[@]}")
  printf '   parameter %s\n' "${overrides[@]}"
fi
sam "${sam_args[@]}"

# ------------------------------------------------------------------ 4. outputs
step "Reading stack outputs"
output() {
  local value
  value="$(aws cloudformation describe-stacks --stack-name "$stack" --region "$region" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue | [0]" --output text)"
  if [[ -z "$value" || "$value" == "None" ]]; then
    echo "   stack output $1 is missing" >&2
    return 1
  fi
  printf '%s' "$value"
}
site_url="$(output SiteUrl)"
bucket="$(output SiteBucketName)"
distribution_id="$(output DistributionId)"
api_url="$(output ApiUrl)"
console_function="$(output ConsoleFunctionName)"
table="$(output TableName)"
publish_function="$(output PublishFunctionName)"
echo "   SiteUrl        $site_url"
echo "   SiteBucketName $bucket"
echo "   DistributionId $distribution_id"
echo "   ApiUrl         $api_url"
echo "   ConsoleFunctionName $console_function"
echo "   TableName      $table"
echo "   PublishFunctionName $publish_function"
# Email: the DKIM records the office publishes, and whether SES may send yet. Informational:
# none of this stops the deploy (the site works without email).
for n in 1 2 3; do
  record="$(output "DkimRecord$n" 2>/dev/null || true)"
  [[ -n "$record" ]] && echo "   DkimRecord$n   $record"
done
mail_failures="$(output MailFailureQueueUrl 2>/dev/null || true)"
[[ -n "$mail_failures" ]] && echo "   MailFailureQueueUrl $mail_failures"
sender_domain="${effective_sender#*@}"
dkim_status="$(aws sesv2 get-email-identity --email-identity "$sender_domain" --region "$region" \
  --query 'DkimAttributes.Status' --output text 2>/dev/null || true)"
production="$(aws sesv2 get-account --region "$region" --query 'ProductionAccessEnabled' \
  --output text 2>/dev/null || true)"
echo "   SES identity $sender_domain: DKIM ${dkim_status:-unknown}; production access: ${production:-unknown}"
if [[ "$dkim_status" != "SUCCESS" ]]; then
  echo "   !! publish the three DkimRecord CNAMEs in $sender_domain's DNS: until SES sees them, no email is sent"
fi
if [[ "$production" != "True" ]]; then
  echo "   !! SES sandbox: mail reaches only verified addresses; request production access (infra/README.md, Surel)"
fi

# ------------------------------------------------------------------ 5. content store
step "Seeding the content store (table $table) from content/"
# The repository's content must build and check before it goes anywhere.
cargo run --release -p site-gen --no-default-features -- check
# Editors change content in the console (/staf/konten/), which keeps every revision in the
# table; the publishing function builds the site from there. `konten benih` records the files
# the table does not have yet (new files, or every file on the first deploy) and leaves alone
# those editors changed, listing them (with --timpa-konten: overwritten with the repository's).
seed_args=(--store "dynamodb:$table" --root "$root" konten benih)
$overwrite_content && seed_args+=(--timpa)
cargo run --release --quiet -p pengaduan-staf --features aws -- "${seed_args[@]}" 2>&1 | sed 's/^/   /'

# ------------------------------------------------------------------ 6. site
# The very first deploy (an empty bucket) uploads the site built here from the repository with
# `aws s3 sync`, and then runs the publishing function once as a check (it must find nothing,
# or next to nothing, to change). Why not the function alone: its role was created moments ago
# and IAM is eventually consistent, so its first run may still be refused by S3; with the sync
# the site is up all the same, and a rerun of deploy.sh retries only the check. Every later
# deploy publishes through the function: it builds from the table (editors' changes included),
# uploads only what changed and invalidates only those paths.
first_deploy=false
# shellcheck disable=SC2016 # the backticks are JMESPath's literal, not a command
objects="$(aws s3api list-objects-v2 --bucket "$bucket" --max-items 1 --query 'length(Contents || `[]`)' \
  --output text)"
[[ "$objects" == "0" ]] && first_deploy=true

publish_through_function() {
  local answer="$root/target/deploy-publish.json" meta
  rm -f "$answer"
  # Synchronous, so the deploy sees the result; a publish takes seconds, the CLI waits 5 minutes.
  meta="$(aws lambda invoke --function-name "$publish_function" --region "$region" \
    --cli-binary-format raw-in-base64-out --cli-read-timeout 300 \
    --payload '{"op":"publish"}' --query 'FunctionError' --output text "$answer")"
  if [[ -n "$meta" && "$meta" != "None" ]]; then
    echo "   publishing failed ($meta): $(head -c 2000 "$answer")" >&2
    echo "   rerun: aws lambda invoke --function-name $publish_function --cli-binary-format raw-in-base64-out --payload '{\"op\":\"publish\"}' out.json" >&2
    return 1
  fi
  python3 - "$answer" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"   {r['built']} files built, {len(r['uploaded'])} uploaded, {len(r['removed'])} removed, "
      f"{len(r['invalidated_paths'])} paths invalidated ({r['elapsed_ms']} ms)")
print(f"   invalidation {r['invalidation_id'] or '(none: nothing changed)'}")
PY
  invalidation_id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["invalidation_id"] or "")' "$answer")"
}

if ! $first_deploy; then
  step "Publishing the site through $publish_function (changed files only)"
  publish_through_function
fi

if $first_deploy; then
step "First deploy: building the site for $site_url and uploading it to s3://$bucket"
# api_url stays "/api" (config.toml): CloudFront sends /api/* to the HTTP API.
out_dir="$root/target/deploy-site"
rm -rf "$out_dir"
cargo run --release -p site-gen --no-default-features -- build --out "$out_dir" --base-url "$site_url"
for required in index.html 404.html; do
  [[ -f "$out_dir/$required" ]] || { echo "   $out_dir/$required is missing" >&2; false; }
done
echo "   $(find "$out_dir" -type f | wc -l) files in $out_dir"

# Order matters for visitors during the upload: assets first (new pages may reference them),
# then pages, then deletion of files that are no longer in the build.
#
# Assets: CSS/JS/images do not carry a content hash in their names yet, so a changed file
# keeps its URL; a year-long max-age would pin old copies in browsers. They get 1 hour with
# must-revalidate instead. When their names carry a hash, give those "max-age=31536000,
# immutable".
asset_cache="public, max-age=3600, must-revalidate"
page_cache="no-cache"
s3="s3://$bucket/"

sync_type() { # pattern content-type cache-control [extra aws s3 sync args...]
  local pattern=$1 type=$2 cache=$3
  shift 3
  aws s3 sync "$out_dir" "$s3" --only-show-errors --exclude '*' --include "$pattern" \
    --content-type "$type" --cache-control "$cache" "$@"
}

# Pass 1: assets, explicit types where the CLI's guess is missing or lacks a charset.
sync_type '*.css' 'text/css; charset=utf-8' "$asset_cache"
sync_type '*.js' 'text/javascript; charset=utf-8' "$asset_cache"
sync_type '*.mjs' 'text/javascript; charset=utf-8' "$asset_cache"
sync_type '*.json' 'application/json; charset=utf-8' "$asset_cache"
sync_type '*.webmanifest' 'application/manifest+json' "$asset_cache"
sync_type '*.svg' 'image/svg+xml' "$asset_cache"
sync_type '*.webp' 'image/webp' "$asset_cache"
sync_type '*.avif' 'image/avif' "$asset_cache"
sync_type '*.ico' 'image/vnd.microsoft.icon' "$asset_cache"
sync_type '*.woff2' 'font/woff2' "$asset_cache"
sync_type '*.woff' 'font/woff' "$asset_cache"
# Everything else (PNG, JPEG, PDF, ...): type guessed by the AWS CLI from the extension.
# site-gen's own bookkeeping (.site-gen-manifest, .site-gen-cache) stays out of the bucket.
aws s3 sync "$out_dir" "$s3" --only-show-errors --exclude '.site-gen-*' \
  --exclude '*.html' --exclude '*.xml' --exclude '*.txt' \
  --exclude '*.css' --exclude '*.js' --exclude '*.mjs' --exclude '*.json' \
  --exclude '*.webmanifest' --exclude '*.svg' --exclude '*.webp' --exclude '*.avif' \
  --exclude '*.ico' --exclude '*.woff2' --exclude '*.woff' \
  --cache-control "$asset_cache"

# Pass 2: pages and other documents, always revalidated, with deletion of stale ones.
sync_type '*.html' 'text/html; charset=utf-8' "$page_cache" --delete
sync_type '*.xml' 'application/xml; charset=utf-8' "$page_cache" --delete
sync_type '*.txt' 'text/plain; charset=utf-8' "$page_cache" --delete

# Remove assets that are no longer built. Everything was just uploaded, so with --size-only
# this pass uploads nothing and only deletes. (Versioning keeps deleted files restorable.)
aws s3 sync "$out_dir" "$s3" --only-show-errors --size-only --delete --exclude '.site-gen-*'
echo "   uploaded $(find "$out_dir" -type f | wc -l) files"

sync_invalidation="$(aws cloudfront create-invalidation --distribution-id "$distribution_id" \
  --paths '/*' --query 'Invalidation.Id' --output text)"
echo "   invalidation of /* $sync_invalidation created"
echo "   checking the publishing function (it builds from the table just seeded: little or nothing to change)"
publish_through_function
[[ -n "$invalidation_id" ]] || invalidation_id="$sync_invalidation"
fi

# ------------------------------------------------------------------ 7. CloudFront
step "CloudFront ($distribution_id)"
if [[ -z "${invalidation_id:-}" ]]; then
  echo "   nothing to invalidate"
elif $wait_invalidation; then
  aws cloudfront wait invalidation-completed --distribution-id "$distribution_id" --id "$invalidation_id"
  echo "   invalidation $invalidation_id completed"
else
  echo "   (completes within a few minutes; --wait waits for it)"
fi

trap - ERR
echo
echo "Done. Site: $site_url/   Complaint form: $site_url/pengaduan/"
echo "      Staff console: $site_url/staf/"
