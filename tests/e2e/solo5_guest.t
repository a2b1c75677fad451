#!/bin/bash
# What the guest platforms do with a misbehaving or curious unikernel (tests/e2e/fixtures/probe),
# and what the tenders look like from the host while a guest runs:
# - CPU exceptions print what happened, where, and the registers: the guest's trap handler on hvt
#   (status 255, as Solo5's), the tender's fault handler on spt, which then dies by the signal, as
#   solo5-spt does (139 SIGSEGV, 132 SIGILL, 136 SIGFPE).
# - W^X inside the guest: writing to its code or running its data ends it (hvt: the guest's own
#   page tables; spt: the tender's mappings).
# - hvt: a main stack that overflows hits a guard page; CPUID hides the hypervisor; the wall clock
#   and the TSC clock agree with the host's.
# - hvt and spt: a smashed stack canary ends the guest with status 255; the heap is the memory
#   above the image (what fits is served, what does not is a NULL from malloc); the tender runs
#   under a seccomp filter.
. "$(dirname "$0")/../lib/tap.sh"
plan 62
tap_tmpdir
to=120	# guest code is emulated on some KVM hosts

build() { # build DIR CONFIGURE-ARGS...
	local dir=$1
	shift
	(cd "$dir" && fata configure "$@" >/dev/null && make --no-print-directory >/dev/null) 2>"$dir.err"
}

# probe TARGET ARGS...: runs the probe quietly on TARGET with 4 MB; sets out and st.
probe() {
	local target=$1
	shift
	out=$(timeout $to "fata-$target" -q --mem=4 "$tmp/probe-$target/dist/probe.$target" "$@" 2>&1)
	st=$?
}

# seccomp_mode PID: the Seccomp field of /proc/PID/status (2 = filter), read while it runs.
seccomp_mode() {
	local i
	for i in $(seq 100); do
		grep -q '^Seccomp:' "/proc/$1/status" 2>/dev/null &&
			[ "$(awk '/^Seccomp:/ { print $2 }' "/proc/$1/status")" = 2 ] && break
		sleep 0.05
	done
	awk '/^Seccomp:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

regs='^  rax [0-9a-f]{16} rbx [0-9a-f]{16} rcx [0-9a-f]{16} rdx [0-9a-f]{16}$'
for target in hvt spt; do
	if [ "$target" = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 34); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	copy_example tests/e2e/fixtures/probe "$tmp/probe-$target"
	build "$tmp/probe-$target" -t $target
	ok $? "$target: the probe builds"
	probe $target
	is "$st/$out" "0/still running" "$target: the probe runs and exits 0"

	if [ $target = hvt ]; then
		st_ill=255 st_segv=255 st_fpe=255
		ud='^fata: trap 6 \(invalid opcode\), error code 0x0, rip 0x1[0-9a-f]{5}, rsp 0x[0-9a-f]+, rflags 0x[0-9a-f]+, cr2 0x0$'
		pf='^fata: trap 14 \(page fault\), error code 0x2, .* cr2 0x7f0000000000$'
		div='^fata: trap 0 \(divide error\), error code 0x0, '
		bad='^fata: trap 14 \(page fault\), error code 0x2, rip 0x1[0-9a-f]{5}, rsp 0x7f0000001000, .* cr2 0x7f0000000ff8$'
		wtext='^fata: trap 14 \(page fault\), error code 0x3, .* cr2 0x1[0-9a-f]{5}$'
		xdata='^fata: trap 14 \(page fault\), error code 0x11, rip 0x1[0-9a-f]{5}, .* cr2 0x1[0-9a-f]{5}$'
	else
		st_ill=132 st_segv=139 st_fpe=136
		ud='^fata-spt: guest fault: SIGILL \(invalid instruction\), address 0x1[0-9a-f]{5}, rip 0x1[0-9a-f]{5}, rsp 0x[0-9a-f]+, rflags 0x[0-9a-f]+$'
		pf='^fata-spt: guest fault: SIGSEGV \(invalid memory access\), address 0x7f0000000000, '
		div='^fata-spt: guest fault: SIGFPE \(arithmetic error\), '
		bad='^fata-spt: guest fault: SIGSEGV \(invalid memory access\), address 0x7f0000000ff8, rip 0x1[0-9a-f]{5}, rsp 0x7f0000001000, '
		wtext='^fata-spt: guest fault: SIGSEGV \(invalid memory access\), address 0x1[0-9a-f]{5}, '
		xdata=$wtext
	fi
	probe $target --do=ud
	is "$st" $st_ill "$target: an invalid opcode ends the guest with status $st_ill"
	like "$out" "$ud" "$target: and says which fault, where"
	like "$out" "$regs" "$target: and prints the registers"
	unlike "$out" 'still running' "$target: nothing runs after the fault"
	probe $target --do=pf
	is "$st" $st_segv "$target: a write to an unmapped address ends the guest with status $st_segv"
	like "$out" "$pf" "$target: and names the faulting address (and on hvt the write: error code 2)"
	like "$out" '^  rax 00007f0000000000 ' "$target: the registers are the faulting code's"
	probe $target --do=div
	is "$st" $st_fpe "$target: a division by zero ends the guest with status $st_fpe"
	like "$out" "$div" "$target: and says it was a division"
	unlike "$out" '100 / 0' "$target: the division produced no result"
	probe $target --do=badstack
	is "$st" $st_segv "$target: a fault with the stack pointer in unmapped memory ends with status $st_segv"
	like "$out" "$bad" "$target: and is still reported, from a stack of the handler's own"
	probe $target --do=wtext
	is "$st" $st_segv "$target: W^X: writing to its own code ends the guest with status $st_segv"
	like "$out" "$wtext" "$target: and is reported as a write to a read-only page"
	probe $target --do=xdata
	is "$st" $st_segv "$target: W^X: jumping into its data ends the guest with status $st_segv"
	like "$out" "$xdata" "$target: and is reported as an instruction fetch from a page that is not executable"

	if [ $target = hvt ]; then
		probe hvt --do=deep
		is "$st" 255 "hvt: a main stack that overflows ends the guest with status 255"
		like "$out" '^fata: trap 14 \(page fault\), error code 0x2, .* cr2 0x3bf[0-9a-f]{3}$' \
			"hvt: at the guard page below it (0x3bf000 with --mem=4), not in the heap"
		unlike "$out" 'returned' "hvt: the recursion never returned"

		probe hvt --do=cpuid
		is "$st" 0 "hvt: the CPUID probe exits 0"
		like "$out" '^hypervisor bit: 0$' "hvt: CPUID leaf 1 hides the hypervisor bit"
		unlike "$out" 'leaf 0x40000000: .*KVM' "hvt: CPUID leaf 0x40000000 carries no KVM signature"

		# The clocks: the hello example's four lines, against the host's UTC clock.
		copy_example examples/tutorial/hello "$tmp/hello-hvt"
		build "$tmp/hello-hvt" -t hvt
		before=$(date -u +%s)
		out=$(timeout $to fata-hvt -q "$tmp/hello-hvt/dist/hello.hvt" 2>&1)
		after=$(date -u +%s)
		stamps=$(printf '%s\n' "$out" | sed -nE 's/^([0-9-]{10} [0-9:]{8}) -00:00: INF \[application\] hello$/\1/p')
		is "$(printf '%s\n' "$stamps" | grep -c .)" 4 "hvt: hello prints four lines"
		first=$(date -u -d "$(printf '%s\n' "$stamps" | head -1)" +%s 2>/dev/null || echo 0)
		last=$(date -u -d "$(printf '%s\n' "$stamps" | tail -1)" +%s 2>/dev/null || echo 0)
		[ "$first" -ge $((before - 1)) ] && [ "$last" -le $((after + 1)) ]
		ok $? "hvt: WALLTIME: the lines carry the host's UTC time ($before <= $first .. $last <= $after)"
		span=$((last - first))
		[ $span -ge 2 ] && [ $span -le 4 ]
		ok $? "hvt: TSC clock: three one-second sleeps span 3 s ($span s)"
	fi

	probe $target --do=fiberdeep
	if [ $target = hvt ]; then
		is "$st" 255 "hvt: a fiber that overflows its stack ends the guest with status 255"
		like "$out" '^fata: trap 14 \(page fault\), error code 0x2, ' \
			"hvt: at the guard page below the fiber's stack"
	else
		like "$out" '^fata-spt: guest fault: SIGSEGV \(invalid memory access\), address 0x[0-9a-f]+' \
			"spt: a fiber that overflows its stack hits the guard page below it"
		addr=$(printf '%s\n' "$out" | sed -n 's/.*address 0x\([0-9a-f]*\),.*/\1/p')
		rsp=$(printf '%s\n' "$out" | sed -n 's/.*rsp 0x\([0-9a-f]*\),.*/\1/p')
		is "$(( 0x${addr:-0} >= 0x${rsp:-1} && 0x${addr:-0} - 0x${rsp:-1} < 64 ))" 1 \
			"spt: the faulting access is at the stack pointer (0x$addr, rsp 0x$rsp)"
		probe spt --do=fiberret
		like "$st/$out" '^[0-9]+/fata-spt: guest fault: SIGSEGV \(invalid memory access\)' \
			"spt: a recursion that returns without yielding is stopped at the guard page too"
		unlike "$out" 'fiber returned' "spt: before it returns"
		out=$(timeout $to fata-spt -q --mem=4 --no-extensions \
			"$tmp/probe-spt/dist/probe.spt" --do=fiberdeep 2>&1)
		is "$?/$out" "255/fata: fatal: fiber stack overflow: a fiber ran past the end of its 16384-byte stack (give fata_spawn() a larger stack_size)" \
			"spt --no-extensions (no guard pages): the scheduler catches it when it next yields"
	fi
	probe $target --do=smash
	is "$st" 255 "$target: a smashed stack canary ends the guest with status 255"
	is "$out" "stack smashing detected" "$target: and says so"

	probe $target --do=heap --mb=2
	is "$st/$out" "0/heap: 2 MiB ok" "$target: --mem=4: 2 MiB of heap, filled and read back"
	probe $target --do=heap --mb=4
	is "$st/$out" "1/heap: malloc failed" "$target: --mem=4: 4 MiB is more than the heap; malloc says NULL"

	# The tender's sandbox, seen from the host while the guest runs.
	"fata-$target" -q "$tmp/probe-$target/dist/probe.$target" --do=heap --mb=256 >/dev/null 2>&1 &
	pid=$!
	mode=$(seccomp_mode $pid)
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	is "$mode" 2 "$target: the tender runs under a seccomp filter (Seccomp: 2 in /proc/PID/status)"
done
tap_done
