#!/usr/bin/env bats
# Beyond one machine, for real: a single-host Slurm cluster (munge,
# slurmctld, slurmd, config in a temp dir) runs an sbatch --array job, one
# shard of the users per task; GNU parallel runs the shards over ssh on three
# "hosts", network namespaces each with its own sshd and address.  Both merge
# the shards and compare with the single-process run.  They need root and
# the Debian packages slurm-wlm, munge, openssh-server, rsync and parallel;
# without them, or where a daemon cannot start, they are skipped with a note.
# They run once in `make test`, not under the sanitizers (daemons, not rs,
# take their time).

setup() {
    load test_helper/common-setup
    _common_setup
    [ "${SAN:-}" != 1 ] || skip "starts daemons (10 s or more): once, not under the sanitizers"
    [ "$(id -u)" = 0 ] || skip "needs root (daemons, network namespaces)"
    # the cluster's own directory: short, for munge's socket path
    cluster=$(mktemp -d /tmp/rs-cluster.XXXXXX)
    # a model and its users: the single-process run is the reference
    awk 'BEGIN { srand(3); print "user,item"; for (n = 0; n < 3000; n++) { u = rand(); v = rand()
        printf "u%d,i%d\n", int(400 * u * u), int(60 * v * v) } }' > log.csv
    rs-train -q --model als --factors 4 --epochs 3 -i log.csv -o model.rsm
    rs-clean -q -i log.csv --select user --dedupe -o users.csv
    rs-recommend -q -m model.rsm --users users.csv -k 5 -o single.csv
}

teardown() {
    [ -n "${cluster:-}" ] || return 0
    # every daemon this test started, by its pid
    for f in "$cluster"/*.pid; do
        if [ -e "$f" ]; then kill "$(cat "$f")" 2> /dev/null || true; fi
    done
    if [ -e "$cluster/namespaces" ]; then
        while read -r ns link; do
            ip link del "$link" 2> /dev/null || true
            ip netns del "$ns" 2> /dev/null || true
        done < "$cluster/namespaces"
    fi
    # slurmctld may still be saving its state as it stops
    for _ in $(seq 50); do
        if rm -rf "$cluster" 2> /dev/null; then break; fi
        sleep 0.1
    done
}

need() {
    for c in "$@"; do
        command -v "$c" > /dev/null || [ -x "/usr/sbin/$c" ] ||
            skip "$c is not installed (apt-get install slurm-wlm munge openssh-server rsync parallel)"
    done
}

# the shards' outputs without their headers, sorted, after the one header
merged() {
    head -1 single.csv
    for f in "$@"; do tail -n +2 "$f"; done | sort
}

@test "Slurm: an sbatch --array job of 3 shards equals the single run, sorted" {
    need munged slurmctld slurmd sbatch sinfo
    host=$(hostname -s)
    port=$((20000 + RANDOM % 20000))
    mkdir -p "$cluster/state" "$cluster/spool"
    head -c 1024 /dev/urandom > "$cluster/munge.key"
    chmod 400 "$cluster/munge.key"
    /usr/sbin/munged -f -S "$cluster/munge.sock" --key-file="$cluster/munge.key" --pid-file="$cluster/munged.pid" \
        --log-file="$cluster/munged.log" --seed-file="$cluster/munged.seed" ||
        skip "munged does not start here: $(tail -1 "$cluster/munged.log" 2> /dev/null)"
    cat > "$cluster/slurm.conf" << EOF
ClusterName=rstest
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$cluster/munge.sock
CredType=cred/munge
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/slurmctld.log
SlurmdLogFile=$cluster/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=rstest Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$cluster/slurm.conf
    /usr/sbin/slurmctld -f "$SLURM_CONF" || skip "slurmctld does not start here: $(tail -1 "$cluster/slurmctld.log")"
    /usr/sbin/slurmd -f "$SLURM_CONF" || skip "slurmd does not start here: $(tail -1 "$cluster/slurmd.log")"
    for _ in $(seq 60); do
        if [ "$(sinfo -h -o %t 2> /dev/null)" = idle ]; then break; fi
        sleep 0.5
    done
    [ "$(sinfo -h -o %t)" = idle ] || skip "the Slurm node did not come up: $(tail -1 "$cluster/slurmd.log")"
    # the README's script; sbatch passes PATH (the rs binaries) to the tasks
    cat > shards.sbatch << 'EOF'
#!/bin/sh
#SBATCH --array=1-3
#SBATCH --cpus-per-task=1
#SBATCH --output=/dev/null
rs-split -i users.csv --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --key user |
    rs-recommend -m model.rsm --users - -k 5 -o "recs.$SLURM_ARRAY_TASK_ID.csv"
EOF
    run sbatch --wait shards.sbatch
    assert_success
    assert_output --regexp '^Submitted batch job [0-9]+$'
    # three tasks, three shards, none empty, no user in two of them
    for k in 1 2 3; do
        run test -s "recs.$k.csv"
        assert_success
    done
    merged recs.1.csv recs.2.csv recs.3.csv > merged.csv
    run diff <(head -1 single.csv; tail -n +2 single.csv | sort) merged.csv
    assert_success
    run sh -c "cut -d, -f1 recs.1.csv recs.2.csv recs.3.csv | grep -v '^user$' | sort -u | wc -l"
    assert_output "$(tail -n +2 users.csv | wc -l)"
}

@test "GNU parallel over ssh on 3 hosts (network namespaces): the shards equal the single run, sorted" {
    need parallel ssh sshd ssh-keygen rsync ip
    ip netns add "rs-probe-$$" 2> /dev/null || skip "network namespaces cannot be made here"
    ip netns del "rs-probe-$$"
    mkdir -p /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$cluster/hostkey"
    ssh-keygen -q -t ed25519 -N '' -f "$cluster/id"
    cp "$cluster/id.pub" "$cluster/authorized_keys"
    net=$((100 + RANDOM % 150))
    logins=""
    for n in 1 2 3; do
        ns=rs-h$n-$$ link=rsv$n-$$ addr=10.$net.$n.2
        echo "$ns $link" >> "$cluster/namespaces"
        ip netns add "$ns"
        ip link add "$link" type veth peer name eth0 netns "$ns"
        ip addr add "10.$net.$n.1/24" dev "$link"
        ip link set "$link" up
        ip netns exec "$ns" ip addr add "$addr/24" dev eth0
        ip netns exec "$ns" ip link set eth0 up
        ip netns exec "$ns" ip link set lo up
        printf '%s\n' "ListenAddress $addr" "HostKey $cluster/hostkey" "PidFile $cluster/sshd$n.pid" \
            "AuthorizedKeysFile $cluster/authorized_keys" "PermitRootLogin prohibit-password" \
            "PasswordAuthentication no" "StrictModes no" "UsePAM no" > "$cluster/sshd$n.conf"
        ip netns exec "$ns" /usr/sbin/sshd -f "$cluster/sshd$n.conf" -E "$cluster/sshd$n.log" ||
            skip "sshd does not start in a namespace: $(tail -1 "$cluster/sshd$n.log")"
        logins="$logins${logins:+,}1/$addr"
    done
    printf '%s\n' "Host *" "IdentityFile $cluster/id" "IdentitiesOnly yes" "StrictHostKeyChecking no" \
        "UserKnownHostsFile /dev/null" "LogLevel ERROR" "BatchMode yes" "ConnectTimeout 10" > "$cluster/ssh_config"
    # each "host" answers from its own address
    run ssh -F "$cluster/ssh_config" "10.$net.2.2" 'ip -4 -o addr show eth0'
    assert_output --partial "inet 10.$net.2.2/24"
    # names of this run only: the "hosts" share this machine's home directory,
    # where parallel puts (and --cleanup removes) the files it transfers
    cp model.rsm "m$$.rsm"
    for k in 1 2 3; do
        rs-split -q -i users.csv --shard "$k/3" --key user -o "s$$-$k.csv"
    done
    # the README's command line, with the hosts made here and the binaries' path
    run parallel --will-cite --ssh "ssh -F $cluster/ssh_config" -S "$logins" --basefile "m$$.rsm" \
        --transferfile {} --return {.}.recs.csv --cleanup \
        "$RS_BIN/rs-recommend -q -m m$$.rsm --users {} -k 5 -o {.}.recs.csv && ip -4 -o addr show eth0" \
        ::: "s$$-1.csv" "s$$-2.csv" "s$$-3.csv"
    assert_success
    # the jobs ran on the three hosts, one each
    hosts=$(echo "$output" | grep -o "inet 10\.$net\.[0-9]\.2" | sort -u | wc -l)
    assert_equal "$hosts" 3
    merged "s$$-1.recs.csv" "s$$-2.recs.csv" "s$$-3.recs.csv" > merged.csv
    run diff <(head -1 single.csv; tail -n +2 single.csv | sort) merged.csv
    assert_success
}
