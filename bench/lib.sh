# bench/lib.sh — timing helpers shared by bench/run.sh, lua.sh and lab.sh.
# Source it; set REPS (runs per figure) and SETTLE (seconds between runs).

now() { echo "${EPOCHREALTIME/,/.}"; }

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# settle lets the kernel free namespaces, which it does asynchronously
# (cleanup_net), before the next run.
settle() { sleep "${SETTLE:-1}"; }

# measure NAME COMMAND... stores in T[NAME] the median of REPS runs of
# COMMAND, which prints one number (seconds).
declare -A T
measure() {
	local name=$1 vals="" v r
	shift
	for ((r = 0; r < REPS; r++)); do
		v=$("$@")
		vals+="$v"$'\n'
		settle
	done
	T[$name]=$(printf '%s' "$vals" | median)
}
